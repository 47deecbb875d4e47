from django import forms

from heard.circles.services import MAX_TURN_SECONDS, MIN_TURN_SECONDS


class CircleForm(forms.Form):
    title = forms.CharField(max_length=120)
    turn_minutes = forms.FloatField(
        initial=4,
        min_value=MIN_TURN_SECONDS / 60,
        max_value=MAX_TURN_SECONDS / 60,
        label="Minutes per speaking turn",
    )
    keep_notes = forms.BooleanField(
        required=False, label="Keep notes (off: nothing said in the circle is stored)"
    )
