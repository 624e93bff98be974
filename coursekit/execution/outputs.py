"""The outputs shown under code blocks: files under snippets/, included by every language, written by running the code."""

from pathlib import Path

from coursekit.execution import runner
from coursekit.pages.codeblocks import collect
from coursekit.pages.model import Page
from coursekit.project import SNIPPETS, read_text


def output_files(page: Path) -> dict[int, Path]:
    """Page line of a code block -> the file its output fence includes."""
    targets, last_code = {}, None
    for fence in Page(page).fences:
        if fence.kind == "code":
            last_code = fence.line
            continue
        if fence.include is None:
            raise ValueError(f"{page}:{fence.line}: an expected output must be one include of a file "
                             f"under snippets/, so that every language shows the same output")
        targets[last_code] = SNIPPETS / fence.include.path
    return targets


def refresh(pages: list[Path]) -> list[Path]:
    """Run the blocks of `pages` and write what each prints into its output file; return the files changed."""
    written: dict[Path, tuple[str, str]] = {}
    for page in pages:
        targets = output_files(page)
        for path in targets.values():
            if not path.exists():  # a new output: create it so that the page's includes resolve
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("", encoding="utf-8")
        blocks = collect(page)
        for chain in runner.chains(blocks):
            members = [blocks[i] for i in chain]
            for block, result in zip(members, runner.run_chain(members)):
                if block.line not in targets:
                    continue
                if result.error:
                    raise RuntimeError(f"{block.where}: the block failed, its output cannot be shown\n{result.error}")
                path = targets[block.line]
                if path in written and written[path][0] != result.output:
                    raise RuntimeError(f"{block.where} and {written[path][1]} show {path} but print different things")
                written[path] = (result.output, block.where)
    changed = []
    for path, (output, _) in written.items():
        # An included file's final newline becomes an empty last line of the fence: leave it out.
        output = output[:-1] if output.endswith("\n") else output
        if read_text(path) != output:
            path.write_text(output, encoding="utf-8")
            changed.append(path)
    return changed
