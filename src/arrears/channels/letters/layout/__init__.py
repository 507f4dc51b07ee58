"""The page geometry of a letter: paper, margins, the envelope window and the zones around it.

A letter is folded in three and posted in a window envelope, so the only part of
it anyone but the addressee sees is what lies behind the window. The geometry is
kept here, in millimetres from the top-left corner of the sheet, once: the CSS
of the page is generated from it (:func:`geometry_css`) and the tests read the
rendered PDF back through the same rectangles.

Two formats:

``A4_DL`` (China, United Kingdom): A4 sheet (210 x 297 mm) in a DL window
envelope (220 x 110 mm, window 90 x 45 mm, 20 mm from the left and 15 mm from
the bottom of the envelope; ISO 269 / DIN 680). The sheet is folded at 105 and
210 mm (DIN 5008 form B), which puts the window 20 mm from the left and 45 mm
from the top of the sheet.

``US_LETTER_10`` (United States): US Letter sheet (8.5 x 11 in) folded in
thirds (at 11/3 in and 22/3 in) in a No. 10 window envelope (4 1/8 x 9 1/2 in)
with the common window of 1 1/8 x 4 1/2 in, 7/8 in from the left and 1/2 in from
the bottom of the envelope (the position accounting software and word
processors are set up for). With the sheet pushed to the left and resting on
the bottom of the envelope the window falls 7/8 in from the left and 2 in from
the top of the sheet.

A folded sheet moves inside its envelope: 10 mm sideways and 5 mm up and down
in a DL, 1 in sideways and about 0.46 in up and down in a No. 10. The *visible
zone* is the window widened by that play: nothing but the window block may be
printed there, whatever way the sheet slides. Inside the window the address
keeps a clearance from the edges (USPS asks for 1/8 in, DIN 5008 5 mm on the
left), which the CSS applies as padding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arrears.errors import InvalidInput

LAYOUT_DIR = Path(__file__).resolve().parent
PAGE_HTML = "letter.html"
PAGE_CSS = LAYOUT_DIR / "letter.css"

_INCH = 25.4


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle on the sheet, in millimetres from its top-left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def contains(self, x: float, y: float) -> bool:
        """Whether the point (mm from the top-left corner) lies in the rectangle."""
        return self.left <= x <= self.right and self.top <= y <= self.bottom


@dataclass(frozen=True, slots=True)
class PageFormat:
    """One paper size and envelope, with where each block of page 1 goes."""

    name: str
    css_size: str  # the CSS @page size
    width: float  # mm
    height: float  # mm
    margin_top: float  # of every page; page 1 starts its text lower (body_top)
    margin_right: float
    margin_bottom: float
    margin_left: float
    letterhead: Rect  # the sender block (agency name and address), above the window
    window: Rect  # the envelope window with the sheet in its reference position
    visible: Rect  # the window widened by the play of the sheet in the envelope
    padding: tuple[float, float, float, float]  # clearance inside the window: top right bottom left
    max_window_lines: int  # recipient name + address lines that fit in the window
    info: Rect  # date, reference and letter reference, right of the visible zone
    body_top: float  # where the subject line of page 1 starts
    folds: tuple[float, ...]  # fold marks on the left edge

    def window_css(self) -> str:
        """The CSS rules that place the page-1 blocks (absolute, in the page area)."""
        return geometry_css(self)


A4_DL = PageFormat(
    name="A4/DL",
    css_size="A4",
    width=210.0,
    height=297.0,
    margin_top=20.0,
    margin_right=20.0,
    margin_bottom=24.0,
    margin_left=25.0,
    letterhead=Rect(25.0, 12.0, 165.0, 26.0),
    window=Rect(20.0, 45.0, 90.0, 45.0),
    visible=Rect(10.0, 45.0, 110.0, 50.0),
    padding=(3.0, 3.0, 2.0, 5.0),
    max_window_lines=6,
    info=Rect(125.0, 50.0, 65.0, 40.0),
    body_top=98.5,
    folds=(105.0, 210.0),
)

US_LETTER_10 = PageFormat(
    name="Letter/#10",
    css_size="letter",
    width=8.5 * _INCH,
    height=11 * _INCH,
    margin_top=0.75 * _INCH,
    margin_right=1.0 * _INCH,
    margin_bottom=0.9 * _INCH,
    margin_left=1.0 * _INCH,
    letterhead=Rect(1.0 * _INCH, 0.45 * _INCH, 6.5 * _INCH, 1.35 * _INCH),
    window=Rect(0.875 * _INCH, 2.0 * _INCH, 4.5 * _INCH, 1.125 * _INCH),
    # 1 in of sideways play (an 8 1/2 in sheet in a 9 1/2 in envelope) and the
    # 3 2/3 in folded panel in a 4 1/8 in envelope: the window can show up to
    # 1 in further left and 0.46 in lower on the sheet than its reference place.
    visible=Rect(0.0, 2.0 * _INCH, 5.375 * _INCH, 1.6 * _INCH),
    padding=(0.125 * _INCH, 0.125 * _INCH, 0.1 * _INCH, 0.125 * _INCH),
    max_window_lines=5,
    info=Rect(5.6 * _INCH, 2.0 * _INCH, 1.9 * _INCH, 1.2 * _INCH),
    body_top=3.85 * _INCH,
    folds=(11 / 3 * _INCH, 22 / 3 * _INCH),
)

FORMATS = {"A4": A4_DL, "LETTER": US_LETTER_10}


def page_format_for(jurisdiction: str, locale: str, paper: str | None = None) -> PageFormat:
    """The format of a letter: ``paper`` if given, else US Letter for the US, else A4.

    ``jurisdiction`` is read by its country part (``US-MA`` is the US); an
    unknown one falls back on the locale (``en-US`` -> Letter).
    """
    if paper is not None:
        try:
            return FORMATS[paper.upper()]
        except KeyError:
            known = ", ".join(sorted(FORMATS))
            raise InvalidInput(f"unknown paper '{paper}'; known: {known}") from None
    country = jurisdiction.strip().upper().split("-", 1)[0]
    if country == "US":
        return US_LETTER_10
    if country in {"CN", "GB", "UK"}:
        return A4_DL
    return US_LETTER_10 if locale.replace("_", "-").lower() == "en-us" else A4_DL


def _box(rect: Rect, fmt: PageFormat) -> str:
    # Absolutely positioned boxes are placed in the page area (inside the
    # margins), so sheet coordinates are shifted by the margins.
    return (
        f"left: {rect.left - fmt.margin_left:.2f}mm; top: {rect.top - fmt.margin_top:.2f}mm; "
        f"width: {rect.width:.2f}mm; height: {rect.height:.2f}mm;"
    )


def geometry_css(fmt: PageFormat) -> str:
    """CSS for the page size, the margins and the blocks of page 1 of ``fmt``."""
    top, right, bottom, left = fmt.padding
    folds = "\n".join(
        f".fold-{i} {{ top: {y - fmt.margin_top:.2f}mm; }}" for i, y in enumerate(fmt.folds)
    )
    return f"""
@page {{
  size: {fmt.css_size};
  margin: {fmt.margin_top}mm {fmt.margin_right}mm {fmt.margin_bottom}mm {fmt.margin_left}mm;
}}
.letterhead {{ {_box(fmt.letterhead, fmt)} }}
.window {{
  {_box(fmt.window, fmt)}
  padding: {top}mm {right}mm {bottom}mm {left}mm;
}}
.info {{ {_box(fmt.info, fmt)} }}
.fold {{ left: {3.0 - fmt.margin_left:.2f}mm; }}
{folds}
.body-start {{ height: {fmt.body_top - fmt.margin_top:.2f}mm; }}
"""
