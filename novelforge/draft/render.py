"""Words for ``novelforge draft``: the dry run (the exact prompt and the context report)
and the one line each drafted scene ends with."""

from __future__ import annotations

from novelforge.draft.context import CUT_ORDER, LABELS, PARTS
from novelforge.formats import dump_json
from novelforge.wording import plural

CUTTABLE = {part for _rank, part, _why in CUT_ORDER}


def context_report(context) -> str:
    """Each part with its token count, what was cut and why, and the notes."""
    out = [f"context of `{context.scene.id}`: {context.total:,} of {context.budget:,} tokens "
           "(estimated at four characters a token)"]
    width = max(len(LABELS[p]) for p in PARTS)
    for part in PARTS:
        kept, total = context.count(part)
        pieces = f"  ({kept} of {total} kept)" if part in CUTTABLE and total else ""
        out.append(f"  {LABELS[part]:<{width}}  {context.part_tokens(part):>6,} tokens{pieces}")
    if context.cuts:
        out.append(f"cut ({plural(len(context.cuts), 'piece')}):")
        out += [f"  {c.label} ({c.tokens:,} tokens): {c.why}" for c in context.cuts]
    else:
        out.append("nothing was cut")
    out += [f"note: {n}" for n in context.notes]
    return "\n".join(out) + "\n"


def prompt_text(prompt) -> str:
    """The messages exactly as they would be sent, each under a header line."""
    out = []
    for m in prompt.messages:
        out.append(f"===== {m['role']} =====")
        out.append(m["content"].rstrip("\n"))
    return "\n".join(out) + "\n"


def dry_run_text(plan, **_options) -> str:
    head = (f"novelforge draft --dry-run `{plan.scene.id}` ({plan.scene.path}): the prompt "
            f"(template {plan.template}), then the context report; nothing was sent\n")
    return head + prompt_text(plan.prompt) + "===== context report =====\n" + context_report(plan.context)


def dry_run_json(plan, **_options) -> str:
    if hasattr(plan, "results"):
        return run_json(plan)
    return dump_json({"version": 1, "scene": plan.scene.id, "path": plan.scene.path, "template": plan.template,
                      "messages": [dict(m) for m in plan.prompt.messages], "max_tokens": plan.prompt.max_tokens,
                      "context": plan.context.as_dict()})


def result_line(result) -> str:
    """What happened to one scene, in one line."""
    from novelforge.llm.report import money

    if not result.written:
        return f"`{result.scene}`: not drafted, the file is as it was: {result.failed or 'no reply'}"
    parts = [f"`{result.scene}`: drafted, {plural(result.words, 'word')}, written to {result.path}"]
    if result.backup:
        parts.append(f"the replaced body is kept as {result.backup}")
    if result.errors:
        parts.append(f"the check still finds {plural(len(result.errors), 'error')}"
                     + (f" after {plural(result.repairs, 'repair')}" if result.repairs else ""))
    else:
        parts.append("the check finds no errors" + (f" after {plural(result.repairs, 'repair')}"
                                                    if result.repairs else ""))
    if result.voices:
        parts.append("; ".join(d.message for d in result.voices))
    if result.failed:
        parts.append(result.failed)
    cost = "an unknown cost" if result.cost is None else money(result.cost)
    parts.append(f"{plural(result.calls, 'request')} sent, {result.cached} from the cache, "
                 f"{result.tokens_in:,} tokens in, {result.tokens_out:,} out, {cost}")
    if result.note:
        parts.append(result.note)
    return "; ".join(parts) + "."


def run_json(run) -> str:
    """A drafting run as JSON: one object per scene attempted."""
    def one(r) -> dict:
        return {"scene": r.scene, "path": r.path, "written": r.written, "backup": r.backup, "words": r.words,
                "repairs": r.repairs, "failed": r.failed, "warnings": r.warnings, "calls": r.calls, "cached": r.cached,
                "tokens_in": r.tokens_in, "tokens_out": r.tokens_out, "cost": r.cost,
                "errors": [{"code": d.code, "name": d.name, "message": d.message, "line": d.line, "column": d.column}
                           for d in r.errors],
                "voice_drift": [{"code": d.code, "message": d.message, "line": d.line, "column": d.column}
                                for d in r.voices]}
    return dump_json({"version": 1, "scenes": [one(r) for r in run.results],
                      "stopped": run.stop.message if run.stop is not None else None})
