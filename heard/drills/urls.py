from django.urls import path

from heard.drills import views

urlpatterns = [
    path("", views.index, name="drills"),
    path("qa/", views.qa_list, name="qa-list"),
    path("qa/import/", views.qa_import, name="qa-import"),
    path("qa/<int:pk>/", views.qa_detail, name="qa-detail"),
]
