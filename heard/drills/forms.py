from django import forms

MAX_IMPORT_BYTES = 50 * 1024 * 1024
ORDERS = [
    ("-score", "Highest score first"),
    ("score", "Lowest score first"),
    ("agent", "Agent"),
    ("recent", "Recently imported"),
]


class QaFilterForm(forms.Form):
    agent = forms.ChoiceField(required=False)
    min_score = forms.FloatField(required=False, min_value=0, max_value=1, label="Score from")
    max_score = forms.FloatField(required=False, min_value=0, max_value=1, label="Score to")
    order = forms.ChoiceField(choices=ORDERS, required=False, label="Sort by")

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", "Every agent")] + [
            (a, a or "(unknown)") for a in agents
        ]


class QaImportForm(forms.Form):
    file = forms.FileField(
        label="conversations.jsonl from `heard score`",
        help_text="Only redacted results are accepted; a line that still holds personal data is skipped.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // (1024 * 1024)} MB; the limit is "
                f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB. Split it and import the parts."
            )
        return upload
