"""Posting a page's form as a browser does: every field the template rendered (hidden ones such
as `version` included), with the value it shows, unless the test changes it.

`form_data` reads a form from a response; `submit` opens the page, picks its form and posts it
with what the user types."""

from html.parser import HTMLParser

BUTTONS = {"submit", "button", "image", "reset", "file"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        # Per form, its named submit buttons: {name: value}. A browser sends the one clicked.
        self.buttons: list[dict[str, str]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: dict | None = None
        self._textarea: list | None = None

    def _add(self, name: str, value: str) -> None:
        self._fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((attributes.get("action") or "", self._fields))
            self.buttons.append({})
        elif self._fields is None or "disabled" in attributes:
            return
        elif tag == "button" and attributes.get("name"):
            if attributes.get("type", "submit") == "submit":
                self.buttons[-1][attributes["name"]] = attributes.get("value") or ""
        elif tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind in BUTTONS or (kind in ("checkbox", "radio") and "checked" not in attributes):
                return
            self._add(
                attributes["name"],
                attributes.get("value") or ("on" if kind in ("checkbox", "radio") else ""),
            )
        elif tag == "select":
            self._select = {
                "name": attributes.get("name"),
                "multiple": "multiple" in attributes,
                "options": [],
                "selected": [],
            }
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select["options"].append(value)
            if "selected" in attributes:
                self._select["selected"].append(value)
        elif tag == "textarea":
            self._textarea = [attributes.get("name"), ""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the newline that follows the opening tag.
            self._add(name, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = self._select["options"][:1]
            for value in chosen:
                self._add(self._select["name"], value)
            self._select = None
        elif tag == "form":
            self._fields = None


def form_data(response, action: str = "", *, press: str = "") -> dict[str, list[str]]:
    """The first form of the page that posts to `action` ("" for the page itself), filled in
    as the page shows it; with `press`, the first such form with a submit button of that name,
    sent by clicking it (its name and value included)."""
    parser = _Forms()
    parser.feed(response.content.decode())
    for (form_action, fields), buttons in zip(parser.forms, parser.buttons, strict=True):
        if form_action == action and (not press or press in buttons):
            return dict(fields) | ({press: [buttons[press]]} if press else {})
    raise AssertionError(
        f"No form posts to {action!r} on this page" + (f" with {press!r}." if press else ".")
    )


def submit(client, page_url: str, action: str | None = None, *, pick=None, **typed):
    """GET `page_url`, find its form posting to `action` (the page itself when None) whose
    untouched values include `pick` (e.g. {"status": "done"}: which button), fill in `typed`,
    and POST it as the browser would. Returns the POST's response."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    parser = _Forms()
    parser.feed(page.content.decode())
    target = action or page_url
    matches = [
        fields
        for form_action, fields in parser.forms
        if (form_action or page_url) == target
        and all(fields.get(name) == [value] for name, value in (pick or {}).items())
    ]
    assert len(matches) == 1, f"{len(matches)} forms post to {target} with {pick}"
    data = matches[0] | {name: [str(value)] for name, value in typed.items()}
    return client.post(target, data)
