"""The word lists NovelForge reads English prose with, in one place.

Every list is lower case (compare ``word.lower()``) unless its name says otherwise. A
consumer that needs less than a whole list takes a named subset defined here, with the
reason, rather than a copy of its own: the text index, the importer's canon suggestions,
the tense and POV rules and the benchmark all read these.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def as_written(words: frozenset[str]) -> frozenset[str]:
    """Lower-case words as they are written at the start of a name (`mr` → `Mr`), for
    code that compares words as they appear."""
    return frozenset(w[:1].upper() + w[1:] for w in words)


# ----------------------------------------------------------------------------- names
# Words that may open a capitalised run but are not part of a name ("The", "Then Aria").
ARTICLES = _words("the a an")

# Honorifics and ranks written before a name (`Mr. Darcy`, `Prince Andrew`, `Madame Merle`).
TITLES = _words("""
mr mrs ms miss mister dr sir lady lord king queen prince princess duke duchess count countess
captain colonel general major lieutenant sergeant corporal admiral marshal governor constable
inspector judge master mistress madam madame mademoiselle monsieur mlle mme m father mother brother
sister uncle aunt cousin saint st professor doctor baron baroness emperor empress dame herr frau
don señor senor bishop reverend rev abbé mynheer ensign cornet sire esq messrs lords ladies
""")
# Words before a name that are part of how a character is called (`Old Bolkónski`,
# `Young Osborne`, `Little Nell`), not of the name.
EPITHETS = _words("old young little")
# Titles before a place as often as before a person (`St. Petersburg`, `Saint Paul's`): a
# name after them is no evidence of a person.
PLACE_TITLES = _words("saint st")
# Titles of a man, and of a woman: a surname used with both names two people
# (`Mr. Bennet`, `Mrs. Bennet`); `Miss Darcy` is not Mr. Darcy.
MALE_TITLES = _words("""
mr sir lord king prince duke count master monsieur father brother uncle baron emperor herr mister don
señor senor mynheer captain colonel general major lieutenant sergeant admiral marshal corporal inspector
""")
FEMALE_TITLES = _words("""
mrs ms miss lady queen princess duchess countess mistress madam madame mademoiselle mlle mme sister
aunt baroness empress dame frau mother
""")

# Titles a family shares before its surname: one surname used with two of them names two
# people (`Mr. Bennet`, `Mrs. Bennet`, `Miss Bennet`).
FAMILY_TITLES = _words("mr mrs miss master lady sir madame mademoiselle monsieur")
# A married and an unmarried woman's title before one surname are two people, a mother and
# her daughter (`Mrs. Westenra`, `Miss Westenra`); two married ones may be one (`Madame
# Charpentier` is `Mrs. Charpentier`).
MARRIED_TITLES = _words("mrs lady madame mme")
UNMARRIED_TITLES = _words("miss mademoiselle mlle")

# Words written with a full stop that does not end the sentence (`Mr. Darcy`, `etc. and`).
ABBREVIATIONS = _words("""
mr mrs ms dr st sr jr mt prof capt col gen lt sgt rev vs etc no vol ch fig mme mlle m messrs esq
""")
# Titles written with a full stop (`Mr. Holmes`, but `Lady Holmes`).
ABBREVIATED_TITLES = (TITLES | _words("messrs")) & ABBREVIATIONS

# Capitalised words that are rarely lower case but do not name a character or a place
# (as written: compare the word itself).
NOT_NAMES = frozenset("""
God Lord Heaven Heavens Christ Jesus Providence Bible Christian Christians Majesty Excellency Highness
Lordship Ladyship Grace Honour Honor Christmas Easter Sunday Monday Tuesday Wednesday Thursday Friday
Saturday January February March April May June July August September October November December English
Englishman Englishmen French Frenchman Frenchmen Russian Russians German Germans Austrian Austrians
American Americans British Italian Spanish Dutch Irish Scotch Scottish Indian Indians Chinese Turkish
Polish Prussian Prussians Swiss Greek Roman Latin European Mormon Mormons Cossack Cossacks Oh Ah Yes No
Well Ay Aye Nay Hush Alas Hallo Hello Pooh Bah Thou Thee Thy Mamma Papa Mama OK Okay Chapter Part Book
Volume Mr Mrs Miss Sir Madam Dear Sire Monsieur Madame St Messrs Uncle Aunt Pray Tsar Tsarevich Tsaritsa
Pope Sultan Khan
""".split())

# The last word of a place's name (`Baker Street`, `Castle Dracula` is not one).
PLACE_WORDS = frozenset("""
Street Road Lane Square Place Gardens Park Hall House Lodge Castle Court Hill Bridge Church Abbey Manor
Farm Inn Hotel Station River Mount Mountain Mountains Island Isle Bay Row Terrace Yard Gate Palace
Cathedral Chapel Valley Lake Sea Tower Hills Forest Wood Woods Town City Village Moor Heath Common
Avenue Crescent Harbour Port Canyon Creek Plain Plains Desert Cross Asylum Hospital Club
""".split())
# Words before a place name (`in London`, `reached Moscow`).
PLACE_PREPOSITIONS = _words("in at from near through across towards toward into reached visited leaving left")

# Capitalised words that open sentences too often to be kept as name candidates (as written).
COMMON_OPENERS = frozenset("""
That This There Then They Their Them These Those What When Where Which While Who Whom Whose Why
With Without From Have Having Here Hers Herself Himself Into Just Like Many Most Much Must Never
None Nothing Once Only Other Over Perhaps Some Still Such Than Through Upon Very Well Were Will
Would Your Yours Yourself Yes Each Even Every Both Before After Again Against Also Although Always
Another Because Been Being Could Does Down Either Enough Ever Further Good However Instead Least
Less Little Look Maybe More Nobody Often Rather Really Since Something Sometimes Soon
Surely Thank Thanks Though Thus Till Together Under Unless Until Whatever Whether Yet Don't
Didn't Can't Won't It's That's There's What's I'm I've I'll I'd Let's Tell Come Go Oh Ah
""".split())

# Small words inside a name (`Duke of Wellington`, `Ludwig van Beethoven`).
NAME_PARTICLES = ("of", "de", "du", "da", "van", "von", "der", "la", "le", "the")

# ----------------------------------------------------------------------------- verbs
# Verbs of speech that tag a quotation (`"…," Bram said`, `said Bram`), in the past and
# the present.
SPEECH_VERBS = _words("""
said says say asked asks replied replies answered answers cried cries shouted shouts whispered
whispers murmured murmurs muttered mutters called calls added adds began begins continued continues
exclaimed exclaims snapped snaps hissed hisses growled growls demanded demands insisted insists
laughed laughs sighed sighs told tells remarked remarks observed observes repeated repeats returned
returns rejoined rejoins interrupted interrupts retorted retorts breathed breathes yelled yells
screamed screams pleaded pleads agreed agrees protested protests declared declares suggested suggests
admitted admits explained explains warned warns ordered orders spoke speaks offered
offers sang sings roared roars barked barks groaned groans gasped gasps urged urges went
""")
# Verbs that, next to a capitalised word, show it names a person (`said Holmes`, `Holmes
# nodded`): speech and the gestures of a speaker. Narrower than SPEECH_VERBS on purpose —
# `a town called Moscow`, `Moscow went up in flames`.
PERSON_VERBS = _words("""
said says asked replied answered cried shouted whispered exclaimed continued added returned observed
remarked muttered murmured repeated interrupted rejoined laughed smiled nodded sighed frowned told
thought began quoth
""")

# Irregular (and very common regular) past-tense forms of verbs of action: `Bram drew`,
# `Aria stood`. Auxiliaries (`was`, `had`) say nothing about acting.
PAST_IRREGULAR = _words("""
went came saw took gave made got stood sat ran rode drew held kept left felt
found thought knew told said brought bought caught fought taught sought began became broke chose
drove fell flew forgot froze grew hid hung lay led lost meant met paid put read rose set shook
shot shut slept slid spoke spent spun stole struck swore swept swung threw tore understood woke
wore won wrote bit bent bled blew bound built burst clung crept dealt dug dove dreamt fed fled
flung forbade forgave hit hurt knelt laid leapt lit sank sang shone shrank slew slung smote spat
split spread sprang stank stuck stung strode strove swam wept wound smiled nodded turned looked
walked asked
""")
# The past forms that tell a sentence's tense after `he`, `she` or `they` (`she was`, `they
# went`): the commonest, none of which reads as a present form too (`they read`, `they put`
# and `they set` are either).
TENSE_PAST = _words("""
was were had did said went knew thought felt saw heard came took gave made stood sat ran looked turned
walked asked told found seemed began kept left held brought
""")
# Present forms that tell the tense after any subject (`I am`, `they are`, `she says`).
TENSE_PRESENT = _words("is are am has have does do says goes knows thinks feels sees hears comes")
# Words ending in -s after `he`/`she` that are not verbs in the present (`he always`, `she was`).
NOT_PRESENT_VERBS = _words("""
always perhaps sometimes nevertheless besides towards afterwards backwards forwards upwards downwards
inwards outwards thus less unless across its this his hers ours yours theirs was has does is as us
yes whereas alas nonetheless anyways nowadays whiles betimes oftentimes unawares
""")
# Verbs of inner life, the thoughts only a point-of-view character's narration can report
# (`Bram wondered`), in the past.
INNER_LIFE_VERBS = ("thought", "wondered", "realised", "realized", "feared", "hoped", "wished", "remembered",
                    "suspected", "decided", "knew", "felt", "sensed", "believed", "longed", "dreaded")
# Verbs after the narrating `I` of a story told in the first person (`I was`, `I saw`).
FIRST_PERSON_VERBS = ("was", "had", "did", "could", "would", "said", "thought", "felt", "knew", "saw",
                      "am", "have")

# ----------------------------------------------------------------------------- grammar
# Subject pronouns that tell a sentence's tense (`I`, `we` and `it` are left out:
# journals and letters say `I am`, and `it is` is often a general truth in narration).
TENSE_SUBJECTS = ("he", "she", "they")
# Subject pronouns of a speech tag after a quotation (`"…," she said`).
TAG_PRONOUNS = ("he", "she", "i", "they", "we")
# Conjunctions that open a main clause (`and she turned`).
CLAUSE_CONJUNCTIONS = ("and", "but", "then", "so", "yet")
# A name after these is an object, or the subject of a remembered or subordinate clause
# (`the death of Lucy went`, `when Lucy died`): not someone acting in the scene.
NOT_ACTING_AFTER = _words("""
of to for with by from about at on in into onto upon than like as when whenever after before since
until till if though although because once while whom whose that which where
""")
# Elisions that open with an apostrophe and are not a quotation (`'tis`, `‘em`).
ELISIONS = ("tis", "twas", "twere", "twill", "em", "cause", "til", "bout", "un", "n")

# ----------------------------------------------------------------------------- keywords
# Words too common to tell one passage from another (what a promise candidate is about,
# whether a thing recurs later): function words, common verbs and nouns, titles.
STOPWORDS = _words("""
a about above after again against all almost alone along already also although always am among an and
another any anybody anyone anything anyway are around as ask asked at away back be became because become
been before began behind being believe below beside besides best better between beyond both bring brought
but by came can cannot could dare day days did do does doing done down during each either else enough even
ever every everything eyes face far feel felt few find first for found from gave get give given go going
gone good got great had has have having he hear heard her here hers herself him himself his how however
i if in indeed into is it its itself just keep kept kind knew know known last least left less let like
little long look looked made make many may me mean means might mind mine more most much must my myself
name near need never new next no none nor not nothing now of off often oh old on once one only or other
others ought our ours ourselves out over own part perhaps place put quite rather really right said same
saw say see seem seemed seen shall she should since so some something soon still such sure take taken
tell than that the their theirs them themselves then there these they thing things think this those
though thought three through thus till time to together told too took toward towards two under until
up upon us use very want was way we well went were what whatever when where whether which while who
whom whose why will wish with within without word words would yes yet you your yours yourself
yourselves shan't won't don't didn't can't couldn't wouldn't isn't wasn't i'm i'll i've i'd you're
you'll he's she's it's that's there's what's let's am mr mrs miss sir madam lady lord dear man men
woman women come comes coming goes says tell tells going made another whole while year years moment
way life world house room hand hands head heart again myself anything nothing people father mother
""")


# ----------------------------------------------------------------------------- inflections
# Nouns for a person, the subject of a sentence that opens `The old man looks…` (NF406).
PERSON_NOUNS = _words("""
man woman men women boy girl boys girls child children king queen lord lady prince princess knight
soldier soldiers captain colonel general doctor priest monk nun mother father son daughter brother
sister wife husband uncle aunt servant maid stranger fellow gentleman officer sergeant emperor count
countess duke duchess baron youth landlord landlady host hostess nurse master mistress lad lass driver
coachman footman butler inspector detective professor judge guard guards prisoner widow
""")

# English first names and the short and pet forms a novel calls the same person by
# (`Lizzy` and `Eliza` for Elizabeth), for the importer's canon suggestions.
_DIMINUTIVES = """
elizabeth: eliza lizzy lizzie liz lizbeth beth betsy betty bess bessie libby
catherine: kitty kate katie cathy kat
katherine: kitty kate katie kathy kat
margaret: meg maggie peggy madge margot
mary: molly polly mamie
sarah: sally sadie
anne: annie nancy nan
anna: annie nancy nan
jane: jenny janey jennie
frances: fanny fran
harriet: hattie
caroline: carrie caro
dorothy: dolly dot dora
susan: sue susie suky
eleanor: nell nelly ellie
helen: nell nelly
isabella: bella belle isa
charlotte: lottie
georgiana: georgie
lydia: liddy
william: will willy bill billy
robert: bob bobby rob robin bert
richard: dick dickie rick
edward: ned ted teddy eddie
henry: harry hal hank
john: jack johnny
james: jim jimmy jamie jem
thomas: tom tommy
charles: charlie
arthur: art artie
frederick: fred freddy
alexander: alex sandy
nicholas: nick nicky
benjamin: ben
samuel: sam
joseph: joe
michael: mike mick
peter: pete
daniel: dan danny
matthew: matt
abraham: abe
"""
DIMINUTIVES: dict[str, frozenset[str]] = {}
for _line in _DIMINUTIVES.strip().splitlines():
    _full, _short = _line.split(":")
    for _s in _short.split():
        DIMINUTIVES[_s] = DIMINUTIVES.get(_s, frozenset()) | {_full}

_VOWELS = "aeiou"
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def inflections(term: str) -> tuple[str, ...]:
    """The regular English forms of a term's last word (`motor` → `motors`, `motored`,
    `motoring`; `telephone` → `telephoned`, `telephoning`; `copy` → `copies`, `copied`;
    `stop` → `stopped`), the term itself first. A word that is not plain lower-case
    letters (`OK`, `B-52`, `Mr.`) or shorter than three letters keeps its one form, as do
    irregular verbs (`drive` gives `drives`, `driving`, never `drove`)."""
    head, sep, last = term.rpartition(" ") if " " in term else term.rpartition("-")
    prefix = head + sep
    if len(last) < 3 or not last.isalpha() or not last.islower():
        return (term,)
    forms: list[str] = []
    if last.endswith(_SIBILANT_ENDINGS):
        forms.append(last + "es")
    elif last.endswith("y") and last[-2] not in _VOWELS:
        forms.append(last[:-1] + "ies")
    else:
        forms.append(last + "s")
    if last.endswith("e"):
        forms += [last + "d", last[:-1] + "ing"]
    elif last.endswith("y") and last[-2] not in _VOWELS:
        forms += [last[:-1] + "ied", last + "ing"]
    else:
        forms += [last + "ed", last + "ing"]
        # one short syllable ending consonant-vowel-consonant doubles it (stop → stopped)
        if (len(last) <= 4 and last[-1] not in _VOWELS + "wxy" and last[-2] in _VOWELS
                and last[-3] not in _VOWELS):
            forms += [last + last[-1] + "ed", last + last[-1] + "ing"]
    return (term, *dict.fromkeys(prefix + f for f in forms if f != last))
