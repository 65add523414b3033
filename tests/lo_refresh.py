"""Run by Debian's python3 (python3-uno): open a Word file in LibreOffice, refresh every table of contents as
a user would (Tools ▸ Update ▸ All indexes), and print each TOC paragraph before and after as JSON lines:
{"when": "before"|"after", "style": …, "text": …, "size": pt}. Usage: lo_refresh.py PROFILE_DIR FILE.docx"""

import json
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def toc_paragraphs(doc):
    out = []
    indexes = doc.getDocumentIndexes()
    for i in range(indexes.getCount()):
        anchor = indexes.getByIndex(i).getAnchor()
        cursor = anchor.getText().createTextCursorByRange(anchor)
        paragraphs = cursor.createEnumeration()
        while paragraphs.hasMoreElements():
            p = paragraphs.nextElement()
            if p.supportsService("com.sun.star.text.Paragraph"):
                out.append({"style": p.ParaStyleName, "text": p.getString(), "size": p.CharHeight})
    return out


def main(profile: str, path: str) -> None:
    pipe = f"lo_refresh_{abs(hash(profile))}"
    office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                               "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
        for row in toc_paragraphs(doc):
            print(json.dumps({"when": "before", **row}, ensure_ascii=False))
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        for row in toc_paragraphs(doc):
            print(json.dumps({"when": "after", **row}, ensure_ascii=False))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away as LibreOffice quits
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
