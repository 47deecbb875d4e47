from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from heard.teams.models import Role


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254, help_text="Used only to reset your password.", required=True
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail already exists.")
        return email


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80, label="Team name")


class InvitationForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    note = forms.CharField(
        max_length=200,
        required=False,
        label="Note (who is it for?)",
        help_text="Only your team's owners and facilitators see this.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
