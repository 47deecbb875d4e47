"""WSGI entry point, for hosts that serve Django over WSGI (live sessions need ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.web.settings")
application = get_wsgi_application()
