"""Forms as a browser submits them: read from the page the user has open, every hidden field
included, then filled in with what the user types or chooses."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Each form's action and the values a browser would send without any change by the user."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: tuple[str, list[str]] | None = None  # name, [first option, selected]
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append((attrs.get("action"), self._fields))
            return
        name = attrs.get("name")
        if self._fields is None:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._fields.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "reset", "file"):
                self._fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            options = self._select[1]
            value = attrs.get("value") or ""
            if not options:
                options.append(value)
            if "selected" in attrs:
                options[:] = [value]
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields[name] = [""]

    def handle_data(self, data):
        if self._textarea is not None and self._fields is not None:
            self._fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, options = self._select
            self._fields[name] = options[:1]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


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
