"""What a returned Word document shows, compared with what the bank and the form produce: a
picture counts as content, so a swapped picture is a difference naming the item."""
import io
import zipfile

from exportutil import hostile_form, pictured_bank

from assembler.render.theory_paper import render_theory_paper
from assembler.render.visible import document_problems, visible_blocks


def _swap_media(data: bytes, new: bytes) -> bytes:
    """Return the docx with its first picture's bytes replaced (what a forger with Word would do)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        swapped = False
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("word/media/") and not swapped:
                body, swapped = new, True
            z.writestr(info, body)
    assert swapped
    return out.getvalue()


def test_pictures_are_visible_content_and_a_swapped_one_is_named(tmp_path, std):
    from exportutil import png

    bank, stem_png, _ = pictured_bank(tmp_path)
    form = hostile_form()
    paper = render_theory_paper(form, bank)
    blocks = visible_blocks(paper, "paper", form)
    shown = [b for b in blocks if "〔图片 " in b.text]
    assert shown and all("〔图片 ?〕" not in b.text for b in shown)
    assert document_problems(paper, "paper", form, bank, std) == []
    forged = _swap_media(paper, png(0, 255, 0))
    problems = document_problems(forged, "paper", form, bank, std)
    assert problems and any("第 2 题 H-S-1" in p for p in problems), problems
