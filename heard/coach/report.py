"""A readable terminal report of an Analysis, with the evidence highlighted (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .suggestions import need_text, seem
from .types import Analysis


def highlighted(result: Analysis) -> Text:
    """The analysed text with moves in green and pitfalls in red."""
    text = Text(result.text[: len(result.text)])
    for f in result.moves:
        for s in f.spans:
            text.stylize("bold green", s.start, s.end)
    for f in result.pitfalls:
        for s in f.spans:
            text.stylize("bold red underline", s.start, s.end)
    return text


def print_report(
    result: Analysis, context: str | None = None, console: Console | None = None
) -> None:
    console = console or Console(highlight=False)
    if context:
        console.print(Text("Their message: ", style="dim") + Text(context))
    console.print(Text("Reply: ", style="dim") + highlighted(result))
    if result.truncated:
        console.print("[yellow]Long text: only the first part was analysed.[/]")
    console.print(
        f"\n[bold]Empathy score[/] {result.empathy_score:.2f}   "
        f"[bold]Strategy[/] {result.strategy}   "
        f"[bold]EPITOME[/] " + ", ".join(f"{k} {v}" for k, v in result.epitome.items())
    )
    if result.state:
        s = result.state
        console.print(
            f"[bold]They seem[/] {seem(s)} "
            f"(intensity {s.intensity:.2f}) and need {need_text(s)}: "
            f"lead with the [bold]{s.lead}[/] dimension"
        )
    for d in result.disclosures:
        quotes = " | ".join(escape(s.text) for s in d.spans)
        console.print(
            f"[bold magenta]They disclosed[/] a {d.kind} matter ({quotes}).\n"
            f"  {escape(d.suggestion)}\n  [dim]{escape(d.referral)}[/]"
        )
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("")
    table.add_column("finding")
    table.add_column("evidence")
    for f in result.moves:
        table.add_row("[green]move[/]", f.label, Text(" | ".join(s.text for s in f.spans)))
    for f in result.pitfalls:
        table.add_row("[red]pitfall[/]", f.label, Text(" | ".join(s.text for s in f.spans)))
    if result.moves or result.pitfalls:
        console.print(table)
    else:
        console.print("No moves or pitfalls found.")
    covered = []
    for name, parts in result.frameworks.items():
        marks = " ".join(("[green]✓[/]" if ok else "[dim]·[/]") + p for p, ok in parts.items())
        covered.append(f"[bold]{name}[/] {marks}")
    console.print("\n".join(covered))
    if result.suggestions:
        console.print("\n[bold]Try[/]")
        for sg in result.suggestions:
            console.print(
                f"  [cyan]{sg.move}[/]: {escape(sg.text)}\n    [dim]{escape(sg.reason)}[/]"
            )
            for alt in sg.alternatives:
                console.print(f"    [dim]or:[/] {escape(alt)}")
