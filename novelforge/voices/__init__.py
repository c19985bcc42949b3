"""Character voice fingerprints (``novelforge voices``): what each character says, as the
speaker attribution gives it (:mod:`novelforge.voices.lines`), measured
(:mod:`novelforge.voices.fingerprint`) and rendered (:mod:`novelforge.voices.render`)."""
