"""Pagination and word-safe splitting: the limits hold and no word is ever cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers import cards as c
from handlers.textsplit import clip, split_text
from tests.cards.samples import long_list_card

words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), max_size=400)


@given(words, st.integers(min_value=12, max_value=300))
def test_split_text_never_cuts_a_word(ws: list[str], limit: int) -> None:
    text = " ".join(ws)
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


def test_split_text_prefers_line_breaks() -> None:
    text = "\n".join(f"- item number {i}" for i in range(300))
    chunks = split_text(text, 3000)
    assert len(chunks) >= 2
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert all(chunk.startswith("- item number") for chunk in chunks)
    assert "\n".join(chunks) == text


def test_split_text_breaks_chinese_between_characters() -> None:
    text = "本月过程指标完成情况良好，" * 400
    chunks = split_text(text, 3000)
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert "".join(chunks) == text


def test_clip_marks_the_cut_on_a_word_boundary() -> None:
    clipped = clip("strategic contribution to the campaign", 20)
    assert clipped == "strategic…"
    assert clip("short", 20) == "short"


def test_120_items_become_at_least_three_messages() -> None:
    card = long_list_card(120)
    pages = c.paginate(card)
    assert len(pages) >= 3
    assert all(len(page.blocks) <= 50 for page in pages)
    assert [b for page in pages for b in page.blocks] == list(card.blocks)
    assert all(page.title == card.title for page in pages)


def test_one_huge_text_is_split_into_sections_within_3000_chars() -> None:
    lines = [f"{i}. leads conversion retention repurchase for campaign {i}" for i in range(120)]
    text = "\n".join(lines)
    (page,) = c.paginate(c.Card(blocks=[c.Text(text)]))
    texts = [b.text for b in page.blocks if isinstance(b, c.Text)]
    assert len(texts) >= 2
    assert all(len(t) <= 3000 for t in texts)
    assert "\n".join(texts).split() == text.split()


def test_page_never_ends_on_a_header() -> None:
    blocks: list[c.Block] = [c.Text(str(i)) for i in range(49)] + [c.Header("Next"), c.Text("x")]
    first, second = c.paginate(blocks)
    assert not isinstance(first.blocks[-1], c.Header)
    assert second.blocks[0] == c.Header("Next")


def test_many_fields_are_split_into_groups_of_ten() -> None:
    fields = c.Fields([(f"k{i}", str(i)) for i in range(25)])
    (page,) = c.paginate([fields])
    assert [len(b.items) for b in page.blocks if isinstance(b, c.Fields)] == [10, 10, 5]


def test_later_pages_get_distinct_card_ids() -> None:
    card = c.Card(blocks=[c.Text(str(i)) for i in range(120)], card_id="digest")
    assert [p.card_id for p in c.paginate(card)] == ["digest", "digest:p2", "digest:p3"]


def test_cards_are_immutable_values() -> None:
    card = c.Card(blocks=[c.Text("a")])
    assert isinstance(card.blocks, tuple)
    assert hash(card) == hash(c.Card(blocks=(c.Text("a"),)))


def test_a_card_that_fits_is_returned_as_it_is() -> None:
    card = c.Card(
        blocks=[c.Header("h"), c.Text("short"), c.Context("note")], title="t", card_id="x"
    )
    assert c.paginate(card) == [card]
    assert c.paginate(card)[0] is card
    long = c.Card(blocks=[c.Text("word " * 700)], card_id="x")
    assert len(c.paginate(long)) == 1
    assert len(c.paginate(long)[0].blocks) == 2  # the long text split, the card rebuilt
