# Seeds the live django-helpdesk: two queues, two staff agents with API
# tokens, and tickets created through the REST API itself (so they carry
# the follow-ups the real server writes). Prints shell assignments.
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from helpdesk.models import CustomField, Queue  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

TICKETS = int(os.environ.get("DESKTERM_HELPDESK_TICKETS", "20"))

alice = User.objects.create_user(
    "alice", "alice@deskterm.test", "alice-live", first_name="Alice", last_name="Admin",
    is_staff=True, is_superuser=True,
)
bob = User.objects.create_user(
    "bob", "bob@deskterm.test", "bob-live", first_name="Bob", last_name="Tech", is_staff=True,
)
it = Queue.objects.create(title="IT", slug="it", allow_public_submission=True)
facilities = Queue.objects.create(title="Facilities", slug="facilities")
# Custom fields as a district keeps them: a school from a list, a free id.
# Not required: a required field would refuse every POST without it.
CustomField.objects.create(
    name="school",
    label="School",
    data_type="list",
    list_values="North High\nSouth Middle\nEast Elementary",
    ordering=1,
)
CustomField.objects.create(
    name="employee_id", label="Employee ID", data_type="varchar", max_length=20, ordering=2
)

client = APIClient()
client.force_authenticate(alice)
requesters = ["maria@parents.example.org", "sam@students.example.org", "lee@staff.example.org"]
for n in range(1, TICKETS + 1):
    answer = client.post(
        "/api/tickets/",
        {
            "queue": it.id,
            "title": f"Live ticket {n}",
            "description": f"Something is wrong with thing {n}.",
            "priority": 3,
            "submitter_email": requesters[n % len(requesters)],
        },
        format="json",
    )
    if answer.status_code != 201:
        sys.exit(f"creating ticket {n}: {answer.status_code} {answer.content[:300]!r}")

# A photo on ticket 14's conversation, uploaded as the API takes files: it
# lands in MEDIA_ROOT, the server's temp folder, never the checkout.
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

photo = SimpleUploadedFile("bus-stop.png", b"\x89PNG\r\n\x1a\n not really a picture", "image/png")
answer = client.post(
    "/api/followups/",
    {"ticket": 14, "comment": "A photo of the stop.", "public": True, "attachments": [photo]},
    format="multipart",
)
if answer.status_code != 201:
    sys.exit(f"attaching a photo: {answer.status_code} {answer.content[:300]!r}")

print(f"HELPDESK_ALICE_TOKEN={Token.objects.create(user=alice).key}")
print(f"HELPDESK_BOB_TOKEN={Token.objects.create(user=bob).key}")
print(f"HELPDESK_ALICE_ID={alice.id}")
print(f"HELPDESK_BOB_ID={bob.id}")
print(f"HELPDESK_IT_QUEUE={it.id}")
print(f"HELPDESK_FACILITIES_QUEUE={facilities.id}")
