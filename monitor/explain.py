"""`check --explain`: why each rule fired, and the forms every sentence was compared by, so a
user can see why a rule did not fire (its alias's forms are not among the sentence's)."""

from __future__ import annotations

from .match import Analysis, Found


def _words(analysis: Analysis, found: Found) -> str:
    written = analysis.layout.texts
    return " ".join(f"{written[i]}→{analysis.word_forms[i]}"
                    for i in range(found.first, found.last + 1))


def _label(found: Found) -> str:
    return {"organisation": "alias", "metric": "keyword"}.get(found.pattern.kind,
                                                              found.pattern.kind)


def _rule(found: Found) -> str:
    pattern = found.pattern
    kind = _label(found)
    language = f" ({pattern.language})" if pattern.language else ""
    return f'{kind}{language} "{pattern.written}" = {" ".join(pattern.forms)}'


def explain_analysis(analysis: Analysis) -> list[str]:
    lines = []
    for number, (hit, found) in enumerate(analysis.fired, 1):
        if hit.kind == "organisation":
            lines.append(f"hit {number}: organisation {hit.rule} «{hit.matched}»")
            lines += [f"    words: {_words(analysis, f)}" for f in found]
            lines += [f"    rule:  {_rule(f)}" for f in found]
        else:
            lines.append(f"hit {number}: metric {hit.rule} = {hit.value:g} {hit.unit} "
                         f"«{hit.matched}»")
            lines += [f"    {_label(f)}: {_words(analysis, f)}   ({_rule(f)})" for f in found]
            lines.append(f"    why: {hit.why}")
            lines.append(f"    value: qualifier {hit.qualifier or '-'}, year "
                         f"{hit.year or '-'}, organisation {hit.organisation or '-'} "
                         f"({hit.link}), mentions {hit.mentions}")
    lines.append("")
    lines.append("forms by sentence (word→form; a rule fires when its forms appear in a row):")
    written, sentence_of = analysis.layout.texts, analysis.layout.token_sentence
    current = -1
    for index, word in enumerate(written):
        if sentence_of[index] != current:
            current = sentence_of[index]
            lines.append(f"  [{current + 1}]")
        lines[-1] += f" {word}→{analysis.word_forms[index]}"
    return lines
