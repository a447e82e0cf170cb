"""Office files are zip archives stamped with the time they were written;
re-zipping with fixed stamps makes rebuilds byte-identical."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fixed_zip(data: bytes, stamp: dt.datetime, edit=None) -> bytes:
    """`edit(name, data) -> data`, if given, may rewrite a member on the way."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = source.read(name)
            if name == "docProps/core.xml":  # writers stamp "modified" with the current time
                data = _CORE_DATES.sub(rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            if edit is not None:
                data = edit(name, data)
            target.writestr(info, data)
    return out.getvalue()
