"""Benchmark of letters: templates to PDF files, then the day's print batch.

    .venv/bin/python bench/letters/run.py [--count 10000] [--single-count 10000]
                                          [--workers 2] [--write]

Synthetic letters: half in zh-CN (China, A4), half in en-US (US, Letter, with
some GB letters in en-GB), spread over eight templates (reminder, demand,
validation notice, settlement offer, payment plan, paid in full, UK arrears
notice, lawyer's letter). Each letter is composed from its template (Jinja2),
laid out by WeasyPrint and written by the ``pdf_letter`` channel adapter to
its output folder, exactly as the outbox would.

Three runs, each in its own process tree so that the peak memory (sum of RSS
over the tree, sampled every 50 ms by bench/common.py) is that of the run:

* single: one process renders ``--single-count`` letters;
* pooled: ``--workers`` processes render ``--count`` letters (multiprocessing,
  spawn; each worker builds its fonts and stylesheets once);
* batch: the ``--count`` letters of the pooled run merged into one print PDF
  with its manifest.

Letters per second are measured around the rendering itself (process start
and the first-letter warm-up excluded; they are reported apart). ``--write``
puts the result in docs/benchmarks.md (section ``letters``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine, now, run_measured, write_section

# The letters are written to a private temporary folder (given to the children
# in this variable) and removed at the end: nothing else may clean it mid-run.
WORK_ENV = "ARREARS_LETTERS_BENCH_DIR"


def _work() -> Path:
    return Path(os.environ.get(WORK_ENV) or ROOT / "var" / "bench" / "letters")


TEMPLATES = ROOT / "config" / "templates" / "letter"
DAY = date(2026, 4, 8)
CLIENT = "bench"
# (template, locale, jurisdiction) in rotation: half Chinese, half English.
MIX = [
    ("payment_reminder", "zh-CN", "CN"),
    ("payment_reminder", "en-US", "US"),
    ("demand_letter_cn", "zh-CN", "CN"),
    ("validation_notice", "en-US", "US"),
    ("settlement_offer", "zh-CN", "CN"),
    ("settlement_offer", "en-US", "US"),
    ("payment_plan_agreement", "zh-CN", "CN"),
    ("uk_arrears_notice", "en-GB", "GB"),
    ("lawyer_letter_cn", "zh-CN", "CN"),
    ("paid_in_full", "en-US", "US"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
]
CITIES_CN = [
    ("上海市浦东新区", "200120"),
    ("北京市朝阳区", "100020"),
    ("广东省深圳市南山区", "518057"),
]
CITIES_US = [("Springfield, IL", "62704"), ("Columbus, OH", "43215"), ("Austin, TX", "73301")]
CITIES_GB = [("Bristol", "BS8 1TH"), ("Leeds", "LS1 4AP"), ("York", "YO1 7HH")]


def _parties(i: int, country: str) -> tuple[Any, Any, str]:
    from arrears.channels.letters import PostalAddress, Recipient, Sender

    if country == "CN":
        sender = Sender(
            "星河资产服务有限公司",
            "星河服务中心",
            PostalAddress(("上海市浦东新区世纪大道100号20层", "邮编 200120"), "200120", "CN"),
        )
        city, code = CITIES_CN[i % 3]
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i // 400) % 20]
        address: tuple[str, ...] = (
            f"{city}建设路{i % 300 + 1}号",
            f"{i % 30 + 1}栋{i % 900 + 101}室",
            f"邮编 {code}",
        )
        return sender, Recipient(name, PostalAddress(address, code, "CN")), "CNY"
    if country == "GB":
        sender = Sender(
            "Thames Credit Services Ltd",
            "TCS",
            PostalAddress(("PO Box 120", "Leeds", "LS1 4AP"), "LS1 4AP", "GB"),
        )
        city, code = CITIES_GB[i % 3]
        address = (f"{i % 200 + 1} Station Road", city, code)
    else:
        sender = Sender(
            "Harbor Point Recovery LLC",
            "HPR Services",
            PostalAddress(("PO Box 4410", "Columbus, OH 43215"), "43215", "US"),
        )
        city, code = CITIES_US[i % 3]
        address = (f"{i % 9000 + 100} Maple Avenue", f"{city} {code}")
    name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"
    return (
        sender,
        Recipient(name, PostalAddress(address, code, country)),
        ("GBP" if country == "GB" else "USD"),
    )


def _variables(i: int, currency: str, locale: str) -> dict[str, Any]:
    from arrears.core.money import Money

    balance = 50_000 + (i * 7919) % 5_000_000
    zh = locale.startswith("zh")
    return {
        "creditor_name": "星河消费金融" if zh else "Riverbank Card Services",
        "currency": currency,
        "balance": Money(balance, currency),
        "principal": Money(balance * 9 // 10, currency),
        "interest": Money(balance // 20, currency),
        "fees": Money(balance - balance * 9 // 10 - balance // 20, currency),
        "due_date": date(2026, 3, 1),
        "days_past_due": 38 + i % 60,
        "portal_link": "https://portal.example.com",
        "pay_link": f"https://pay.example.com/r/{i:08d}",
        "agent_name": "李娜" if zh else "Maria Lopez",
        "agent_phone": "021-5555-0100" if zh else "(800) 555-0199",
        "callback_number": "400-800-1234" if zh else "(800) 555-0134",
        "office_hours": "工作日 9:00–18:00" if zh else "Mon–Fri 8am–8pm",
        "validation_end_date": date(2026, 5, 19),
        "settlement_amount": Money(balance * 6 // 10, currency),
        "settlement_deadline": date(2026, 5, 31),
        "plan_instalment": Money(balance // 12 + 1, currency),
        "plan_count": 12,
        "plan_first_date": date(2026, 5, 1),
        "account_ref_masked": f"****{i % 10000:04d}",
        "itemization_date": date(2025, 11, 30),
        "itemization_amount": Money(balance - balance // 20, currency),
        "payments_credits": Money(0, currency),
        "arrears_amount": Money(balance // 10, currency),
        "remedy_date": date(2026, 4, 30),
    }


def letters(start: int, stop: int) -> Iterator[Any]:
    """Letter requests ``start`` .. ``stop`` - 1 of the synthetic day."""
    from arrears.channels.letters import compose_letter, load_letter_templates

    templates = load_letter_templates(TEMPLATES)
    for i in range(start, stop):
        name, locale, country = MIX[i % len(MIX)]
        sender, recipient, currency = _parties(i, country)
        if name == "lawyer_letter_cn":
            sender = type(sender)("上海明理律师事务所", "上海明理律师事务所", sender.address)
        yield compose_letter(
            templates[name],
            dedup_key=f"bench-{i:07d}",
            locale=locale,
            jurisdiction=country,
            sender=sender,
            recipient=recipient,
            variables=_variables(i, currency, locale),
            letter_date=DAY,
            client_code=CLIENT,
        )


def render_range(bounds: tuple[int, int]) -> dict[str, float]:
    """Compose, render and write letters ``bounds`` with the channel adapter (one process)."""
    from arrears.channels.letters import PdfLetterChannel, Sender

    channel = PdfLetterChannel(_work(), CLIENT, Sender("x", "x", _parties(0, "US")[0].address))
    start, stop = bounds
    warm = time.perf_counter()
    first = next(letters(start, start + 1))
    assert channel.send_letter(first).ok
    warm = time.perf_counter() - warm
    began, cpu = time.perf_counter(), time.process_time()
    for letter in letters(start + 1, stop):
        result = channel.send_letter(letter)
        if not result.ok:
            raise SystemExit(f"{letter.dedup_key}: {result.error}")
    return {
        "letters": stop - start - 1,
        "seconds": time.perf_counter() - began,
        "cpu": time.process_time() - cpu,
        "warmup": warm,
    }


def _child(mode: str, count: int, workers: int) -> None:
    """The body of a measured child process; prints one JSON line."""
    load = os.getloadavg()[0]
    if mode == "single":
        out = render_range((0, count))
        out["processes"] = 1
    elif mode == "pooled":
        chunk = -(-count // (workers * 8))
        bounds = [(lo, min(lo + chunk, count)) for lo in range(0, count, chunk)]
        began = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            parts = pool.map(render_range, bounds)
        out = {
            "letters": float(sum(p["letters"] for p in parts)),
            "seconds": time.perf_counter() - began,
            "cpu": sum(p["cpu"] for p in parts),
            "warmup": max(p["warmup"] for p in parts),
            "processes": float(workers),
        }
    else:
        from arrears.channels.letters import PdfLetterChannel, Sender

        work = _work()
        channel = PdfLetterChannel(work, CLIENT, Sender("x", "x", _parties(0, "US")[0].address))
        began = time.perf_counter()
        batch = channel.print_batch(DAY, work / "batches")
        assert batch.pdf_path is not None
        out = {
            "letters": float(batch.letters),
            "seconds": time.perf_counter() - began,
            "pages": float(batch.pages),
            "blank_pages": float(batch.blank_pages),
            "mib": batch.pdf_path.stat().st_size / 2**20,
        }
    out["load_before"], out["load_after"] = load, os.getloadavg()[0]
    print(json.dumps(out))


def _measure(mode: str, count: int, workers: int) -> tuple[dict[str, float], float, float]:
    args = [sys.executable, __file__, "--child", mode, "--count", str(count)]
    args += ["--workers", str(workers)]
    run = run_measured(args, {**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return json.loads(run.stdout.strip().splitlines()[-1]), run.seconds, run.peak_rss_mib


def _folder_stats() -> tuple[int, float]:
    pdfs = list((_work() / CLIENT / DAY.isoformat()).glob("*.pdf"))
    return len(pdfs), sum(p.stat().st_size for p in pdfs) / max(1, len(pdfs)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000, help="letters of the pooled run")
    parser.add_argument("--single-count", type=int, default=None, help="default: --count")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", choices=["single", "pooled", "batch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.count, args.workers)
        return
    own = WORK_ENV not in os.environ
    if own:
        os.environ[WORK_ENV] = tempfile.mkdtemp(prefix="arrears-letters-bench-")
    try:
        _run(args)
    finally:
        if own:
            shutil.rmtree(os.environ[WORK_ENV], ignore_errors=True)


def _run(args: argparse.Namespace) -> None:
    single_count = args.single_count or args.count
    rows = []
    cpu: dict[str, float] = {}
    for mode, count in (("single", single_count), ("pooled", args.count)):
        shutil.rmtree(_work(), ignore_errors=True)
        _work().mkdir(parents=True)
        result, wall, peak = _measure(mode, count, args.workers)
        written, kib = _folder_stats()
        assert written == count, (mode, written, count)
        rate = result["letters"] / result["seconds"]
        cpu_ms = 1000 * result["cpu"] / result["letters"]
        cpu[mode] = cpu_ms
        load = f"{result['load_before']:.1f} / {result['load_after']:.1f}"
        rows.append(
            f"| {mode} | {int(result['processes'])} | {count:,} | {result['seconds']:.1f} | "
            f"{rate:,.1f} | {cpu_ms:.0f} ms | {result['warmup']:.2f} | {wall:.1f} | "
            f"{peak:,.0f} MiB | {kib:.0f} KiB | {load} |"
        )
        print(rows[-1], flush=True)
    batch, batch_wall, batch_peak = _measure("batch", args.count, 1)
    body = "\n".join(
        [
            "## Letters (PDF)",
            "",
            f"Measured {now()} on {machine()}; WeasyPrint {_version('weasyprint')}, "
            f"pypdf {_version('pypdf')}.",
            "",
            "Synthetic day: half zh-CN (China, A4), half en-US/en-GB (US Letter, UK A4) over "
            "eight templates; each letter composed from its template, laid out and written to "
            "its file by the `pdf_letter` adapter (the envelope check included).",
            "",
            "| run | processes | letters | render s | letters/s | CPU per letter | warm-up s "
            "| wall s | peak RSS (tree) | avg PDF | load avg before / after |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"By CPU time, one free core makes about {1000 / cpu['single']:.0f} letters/s and "
            f"{args.workers} free cores about {args.workers * 1000 / cpu['pooled']:.0f} "
            "letters/s; the pooled wall-clock rate is lower when other work shares the cores "
            f"(a load average above {args.workers}).",
            "",
            f"Print batch of the {int(batch['letters']):,} pooled letters: one PDF of "
            f"{int(batch['pages']):,} pages ({int(batch['blank_pages']):,} blank pages for "
            f"duplex), {batch['mib']:,.0f} MiB, built in {batch['seconds']:.1f} s "
            f"(wall {batch_wall:.1f} s, peak RSS {batch_peak:,.0f} MiB).",
            "",
            "letters/s is measured around the rendering loop; CPU per letter is the process "
            "time of that loop (all workers) divided by the letters, the figure that does not "
            "depend on other load: one core makes about 1000 / (CPU ms) letters a second. "
            "Warm-up is the first letter of a process (fonts, stylesheets, templates); wall "
            "includes interpreter start. Peak RSS sums the process tree. The machine is shared "
            "with other work (the 1-minute load average is shown), so the wall-clock rates "
            "vary; the merged batch holds every letter in memory while it is written (pypdf).",
            "",
            f"`.venv/bin/python bench/letters/run.py --count {args.count} "
            f"--single-count {single_count} --write`",
        ]
    )
    print(body)
    if args.write:
        write_section("letters", body)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
