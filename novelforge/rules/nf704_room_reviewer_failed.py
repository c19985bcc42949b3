from novelforge.rules.registry import declare

declare("NF704", "room-reviewer-failed", "warning", "room", '''
    A Writers' Room reviewer gave no usable answer for a scene.

    ## What it does
    With `novelforge check --room` or `novelforge review`: a reviewer's answer that does
    not match the expected JSON form after one retry with the validation error, or a call
    that failed on every model of the fallback chain (an HTTP error, a timeout), becomes
    this one finding on the scene's first line instead of a crash. The message says why.
    The scene's other reviewers still report.

    ## Why is this bad
    A scene the reviewer could not read is a scene nobody reviewed; a clean report must
    not hide it.

    ## Example
    ```text
    the continuity reviewer's answer could not be used: the answer did not match the expected form, twice: …
    ```

    ## Use instead
    Run `novelforge review SCENE` again, raise `llm: timeout`, or configure a model that
    follows JSON instructions better (or one with a JSON-schema mode).
''')
