from novelforge.rules.registry import declare

declare("NF901", "unused-suppression", "warning", "meta", '''
    A suppression comment hides no finding, or names a rule that does not exist.

    ## What it does
    Reports `<!-- novelforge-disable-next-line … -->`, `-disable-line`, and `-disable`
    comments that suppress nothing on the lines they cover, and any code or name in such
    a comment that is not a NovelForge rule. A suppression is judged only against the
    rules that ran: one naming a rule left out of the run (`--select NF2`) is not reported.

    ## Why is this bad
    A stale suppression hides the next real problem on that line; a misspelled code
    suppresses nothing while looking as if it does.

    ## Example
    ```markdown
    <!-- novelforge-disable-next-line NF204 -->
    Aria waited by the gate.
    ```

    ## Use instead
    ```markdown
    Aria waited by the gate.
    ```
''')
