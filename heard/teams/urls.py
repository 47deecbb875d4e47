from django.urls import path

from heard.teams import views

urlpatterns = [
    path("", views.team_home, name="team-home"),
    path("new/", views.team_create, name="team-create"),
    path("join/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("<int:pk>/", views.team_detail, name="team-detail"),
    path("<int:pk>/switch/", views.team_switch, name="team-switch"),
    path("<int:pk>/leave/", views.team_leave, name="team-leave"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member-remove"),
    path("<int:pk>/members/<int:member_pk>/role/", views.member_role, name="member-role"),
    path("<int:pk>/invitations/", views.invitation_create, name="invitation-create"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
]
