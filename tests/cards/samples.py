"""Representative neutral cards and forms shared by the renderer tests."""

from __future__ import annotations

from handlers import cards as c

WORDS = "reach leads conversion retention repurchase campaign copywriting design".split()


def score_card() -> c.Card:
    return c.Card(
        title="Your performance score · 2026-08",
        card_id="myscore:li.na:2026-08",
        blocks=[
            c.Header("Total 87.5 · Grade A"),
            c.Text("**Strongest:** leads (96.0). See [dashboard](https://perf.example/d?t=1&x=2)"),
            c.Fields([("Result", "88.0"), ("Process", "91.5"), ("Capability", "79.0")]),
            c.Image("https://perf.example/chart.png", "Score trend"),
            c.ChartLink("https://perf.example/dash", "Open my dashboard"),
            c.Divider(),
            c.Actions(
                [
                    c.Button("Approve", "calib.approve", "req-7", "primary"),
                    c.Button("Reject", "calib.reject", "req-7", "danger"),
                    c.Button("Details", "calib.approve", "req-8"),
                    c.Button("Dashboard", "open.dashboard", url="https://perf.example/dash"),
                    c.Select(
                        "settings.lang", "Language", [("English", "en"), ("中文", "zh_CN")], "en"
                    ),
                ]
            ),
            c.Context("Provisional: the period is still open."),
        ],
    )


def long_list_card(n: int = 120) -> c.Card:
    """A list of `n` text items, one block each: too many blocks for one Slack message."""
    return c.Card(
        title="Check-in status",
        blocks=[c.Text(f"{i}. {' '.join(WORDS[: 1 + i % len(WORDS)])}") for i in range(n)],
    )


def checkin_form() -> c.Form:
    return c.Form(
        form_id="checkin",
        title="Monthly check-in 2026-08",
        submit_label="Submit",
        private_metadata="period=2026-08;member=li.na",
        blocks_before=[c.Text("Fill in what no data feed supplies.")],
        inputs=[
            c.RatingInput("collab", "Collaboration efficiency", scale=5, initial=3),
            c.NumberInput("copies", "Original copies written", unit="pcs", min=0, max=500),
            c.TextInput("reflection", "Reflection", multiline=True, required=False),
            c.DateInput("due", "Due date", initial="2026-09-05"),
            c.SelectInput("channel", "Main channel", [("Douyin", "douyin"), ("WeCom", "wecom")]),
        ],
    )


CHECKIN_ANSWERS = {
    "collab": "4",
    "copies": "12.5",
    "reflection": "Went well: two hit posts.\nNext: plan earlier.",
    "due": "2026-09-30",
    "channel": "wecom",
}


def rating_form(n: int = 1) -> c.Form:
    criteria = ["collab", "response", "quality"][:n]
    return c.Form(
        form_id="review",
        title="360 review: Li Na",
        submit_label="Submit",
        private_metadata="rev-42",
        inputs=[c.RatingInput(k, k.title(), scale=5) for k in criteria],
    )
