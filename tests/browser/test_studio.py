"""A person's path through the studio in a real browser."""

import re
import uuid

from playwright.sync_api import expect

PASSWORD = "a long browser passphrase 31"


def sign_up(page, base, name, next_path=""):
    page.goto(f"{base}/accounts/signup/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def unique(name):
    return f"{name}{uuid.uuid4().hex[:6]}"


def test_signup_team_invitation_and_outsider(studio, new_page):
    alice_name, bob_name, carol_name = unique("alice"), unique("bob"), unique("carol")

    alice = new_page()
    sign_up(alice, studio, alice_name)
    expect(alice).to_have_url(f"{studio}/team/new/")
    alice.get_by_label("Team name").fill("Blue Lagoon Support")
    alice.get_by_role("button", name="Create team").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Blue Lagoon Support")
    team_url = alice.url

    alice.get_by_label("Role").select_option("member")
    alice.get_by_role("button", name="Create invitation link").click()
    link = alice.get_by_test_id("invitation-link").first.input_value()
    assert re.match(rf"{re.escape(studio)}/team/join/[\w-]+/$", link)

    # Bob opens the link without an account, signs up, and comes back to join.
    bob = new_page()
    bob.goto(link)
    expect(bob.get_by_role("heading", level=1)).to_have_text(
        "You are invited to join Blue Lagoon Support"
    )
    bob.get_by_role("link", name="Create an account to join").click()
    bob.get_by_label("Username").fill(bob_name)
    bob.get_by_label("Email").fill(f"{bob_name}@example.org")
    bob.get_by_label("Password", exact=True).fill(PASSWORD)
    bob.get_by_label("Password confirmation").fill(PASSWORD)
    bob.get_by_role("button", name="Sign up").click()
    bob.get_by_role("button", name="Join Blue Lagoon Support").click()
    expect(bob.get_by_test_id("members")).to_contain_text(alice_name)
    expect(bob.get_by_test_id("members")).to_contain_text(bob_name)

    alice.reload()
    expect(alice.get_by_test_id("members")).to_contain_text(bob_name)

    # Carol, from another team, is refused everything of Blue Lagoon's.
    carol = new_page()
    sign_up(carol, studio, carol_name)
    carol.get_by_label("Team name").fill("Elsewhere")
    carol.get_by_role("button", name="Create team").click()
    response = carol.goto(team_url)
    assert response.status == 404
    expect(carol.locator("body")).not_to_contain_text("Blue Lagoon")
    expect(carol.locator("body")).not_to_contain_text(bob_name)


def test_live_circle_presence_reaches_every_browser(studio, new_page):
    owner_name, member_name = unique("fac"), unique("mem")
    owner = new_page()
    sign_up(owner, studio, owner_name)
    owner.get_by_label("Team name").fill("Circle Team")
    owner.get_by_role("button", name="Create team").click()
    owner.get_by_label("Role").select_option("member")
    owner.get_by_role("button", name="Create invitation link").click()
    link = owner.get_by_test_id("invitation-link").first.input_value()

    owner.goto(f"{studio}/circles/")
    owner.get_by_label("Title").fill("Friday listening")
    owner.get_by_role("button", name="Open circle").click()
    room_url = owner.url
    expect(owner.get_by_test_id("presence")).to_contain_text(owner_name)

    member = new_page()
    sign_up(member, studio, member_name, next_path=link.replace(studio, ""))
    member.get_by_role("button", name="Join Circle Team").click()
    member.goto(room_url)
    expect(member.get_by_test_id("presence")).to_contain_text(owner_name)
    expect(member.get_by_test_id("presence")).to_contain_text(member_name)
    expect(owner.get_by_test_id("presence")).to_contain_text(member_name)

    member.close()
    expect(owner.get_by_test_id("presence")).not_to_contain_text(member_name)

    # An outsider's browser cannot open the room.
    outsider = new_page()
    sign_up(outsider, studio, unique("out"))
    assert outsider.goto(room_url).status == 404


def test_keyboard_and_phone_width(studio, new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    sign_up(page, studio, unique("kb"))
    page.goto(f"{studio}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    # No sideways scrolling at phone width, and every section is reachable.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for name in ("Coach", "Drills", "Circles", "Journal", "Pulse", "Team"):
        expect(page.get_by_role("navigation").get_by_role("link", name=name)).to_be_visible()


def test_coach_page_answers_in_place(studio, new_page):
    page = new_page()
    sign_up(page, studio, unique("coachee"))
    page.goto(f"{studio}/coach/")
    page.evaluate("window.stillHere = true")
    page.get_by_label("Their message (optional)").fill(
        "You charged me twice and my rent bounced. I'm furious."
    )
    page.get_by_label("Your reply").fill(
        "I'm so sorry we charged you twice and that it made your rent bounce. "
        "I've refunded it now and it will show within 3 days."
    )
    page.get_by_role("button", name="Read my reply").click()
    highlighted = page.get_by_test_id("highlighted")
    expect(highlighted).to_be_visible()
    expect(highlighted.locator("mark.move").first).to_be_visible()
    expect(page.get_by_text("Lines to try")).to_be_visible()
    # htmx swapped the result in: the page itself never reloaded.
    assert page.evaluate("window.stillHere") is True
    # A second reading in place: a message that discloses a crisis brings its response.
    page.get_by_label("Their message (optional)").fill("Honestly I'm tired of living.")
    page.get_by_label("Your reply").fill("Have you tried going for a walk?")
    page.get_by_role("button", name="Read my reply").click()
    disclosed = page.get_by_role("region", name="What they disclosed")
    expect(disclosed).to_be_visible()
    expect(disclosed).to_contain_text("safe right now")
    assert page.evaluate("window.stillHere") is True
