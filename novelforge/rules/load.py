"""NF0xx: problems found while reading files. The loader produces these findings; this
module documents them."""

from novelforge.project import problems as P
from novelforge.rules.registry import declare

declare(*P.YAML_SYNTAX, "error", "load", '''
    A YAML file or a scene's front matter cannot be read.

    ## What it does
    Reports YAML that does not parse, at the line and column where the parser gave up.
    The rest of the project is still checked; the broken file is skipped.

    A file is also refused, before anything is built from it, when it nests deeper than
    100 levels, holds more than 200,000 values (an alias or merge key counts as all it
    stands for, so a few lines cannot multiply into millions), carries a tag other than
    the plain ones (`!!python/object`, `!!binary`, `!!set`, a custom `!tag`), repeats a
    key or an anchor, uses a list or a map as a key, or holds a second document (a
    second `---`). Project files never need any of these; a repository that ships them is
    refused, never run (docs/security.md).

    ## Why is this bad
    Nothing in a file that cannot be read is checked, exported or drafted from.

    ## Example
    ```yaml
    title: The Summons: Part One
    characters: [aria, bram
    ```

    ## Use instead
    ```yaml
    title: "The Summons: Part One"
    characters: [aria, bram]
    ```
''')

declare(*P.UNCLOSED_FRONT_MATTER, "error", "load", '''
    A scene's front matter is opened with `---` but never closed.

    ## What it does
    Reports a scene file whose first line is `---` with no later line that is only `---`.

    ## Why is this bad
    Without the closing line the whole scene would be read as YAML; the prose of the scene
    is not checked until it is fixed.

    ## Example
    ```markdown
    ---
    title: The Summons
    Aria was summoned at dusk.
    ```

    ## Use instead
    ```markdown
    ---
    title: The Summons
    ---
    Aria was summoned at dusk.
    ```
''')

declare(*P.UNREADABLE_FILE, "error", "load", '''
    A file cannot be read as text.

    ## What it does
    Reports binary files (a Word document saved as `.md`, an image), text in another
    encoding (at the first byte that is not UTF-8; UTF-16 and UTF-32 are read when the file
    starts with a byte-order mark), files that are not regular files (a named pipe, a
    socket, a device: never opened, so a check cannot hang on one) and links that lead
    nowhere or to themselves.

    ## Why is this bad
    NovelForge reads scenes and canon as plain text; anything else is skipped.

    ## Example
    A scene saved from an old editor as Windows-1252, with `café` stored as byte `0xe9`.

    ## Use instead
    Save the file as UTF-8, or bring Word files in with `novelforge import`.
''')

declare(*P.INVALID_VALUE, "error", "load", '''
    A value in a YAML file has the wrong type or is not one of the allowed choices.

    ## What it does
    Checks `novelforge.yaml`, front matter, canon, promises and contracts against their
    schemas (see `novelforge schema`) and reports each value that does not fit, with the
    allowed choices. The rest of the file is still used.

    ## Why is this bad
    A value NovelForge cannot understand is ignored, so the checks that need it cannot run.

    ## Example
    ```yaml
    status: drafted
    characters: {aria: yes}
    ```

    ## Use instead
    ```yaml
    status: draft
    characters: [aria]
    ```
''')

declare(*P.DUPLICATE_ENTITY, "error", "load", '''
    Two canon entries (or two promises) of the same kind share one id.

    ## What it does
    Reports the second file that uses an id already taken by another entry of the same kind.

    ## Why is this bad
    References such as `pov: aria` must name exactly one entry; the second is ignored.

    ## Example
    `canon/characters/aria.yaml` and `canon/characters/aria-vell.yaml` both with `id: aria`.

    ## Use instead
    Give each entry its own id, or merge the two files.
''')

declare(*P.FILE_TOO_LARGE, "error", "load", '''
    A file is larger than the configured limit and was not read.

    ## What it does
    Reports files over `check: {max-file-size: …}` bytes (10 MB by default).

    ## Why is this bad
    A scene that large is almost certainly a whole book or a mistake (an export, a log);
    reading it would make every check slow.

    ## Example
    A 50 MB file `manuscript/01-ashes/everything.md`.

    ## Use instead
    Split the text into scene files (`novelforge import` does this), or raise the limit.
''')

declare(*P.OUTSIDE_PROJECT, "error", "load", '''
    A link inside the project points outside it.

    ## What it does
    Reports symbolic links whose target lies outside the project folder (or cannot be
    resolved): a scene, canon or contracts file, any folder below `manuscript/`, `canon/`
    or `contracts/`, those top-level folders themselves, `novelforge.yaml`, `promises.yaml`,
    a `part.yaml` and the EPUB cover. Nothing behind such a link is read, exported or
    quoted in a finding.

    ## Why is this bad
    A project must be checkable on its own (in CI, by a collaborator), and a checked-out
    repository must not make NovelForge read files elsewhere on the machine (a `canon`
    linked to `/` would walk the whole file system).

    ## Example
    `canon/characters/aria.yaml -> /home/mara/notes/aria.yaml`, or `canon -> /`

    ## Use instead
    Copy the file into the project.
''')

declare(*P.EMPTY_FILE, "warning", "load", '''
    A scene or canon file is empty.

    ## What it does
    Reports files that contain nothing but whitespace.

    ## Why is this bad
    An empty file is usually a forgotten placeholder; it is skipped.

    ## Example
    An empty `manuscript/02-road/03-ambush.md`.

    ## Use instead
    ```markdown
    ---
    title: The Ambush
    status: idea
    summary: Bandits on the pass.
    ---
    ```
''')

declare(*P.UNKNOWN_KEY, "warning", "load", '''
    A YAML file has a key NovelForge does not know, often a typo.

    ## What it does
    Reports keys that are not in the file's schema, with the closest known key.

    ## Why is this bad
    A misspelled key (`charaters:`) is silently ignored, and so are the checks that
    depend on it.

    ## Example
    ```yaml
    charaters: [aria, bram]
    ```

    ## Use instead
    ```yaml
    characters: [aria, bram]
    ```
''')
