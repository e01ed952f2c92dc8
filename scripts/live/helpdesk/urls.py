from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

# A real site serves MEDIA_URL from its web server; here Django does, so
# attachments can be downloaded from the links the API gives.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
