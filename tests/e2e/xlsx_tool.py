#!/usr/bin/python3
"""xlsx_tool.py: XLSX fixtures for tests/e2e/xlsx.sh, and openpyxl as the
oracle for what `backbone read` must print.

  xlsx_tool.py make KIND OUT      write a fixture workbook (see MAKERS)
  xlsx_tool.py oracle FILE [SHEET]
                                  print the sheet as `backbone read` prints it,
                                  read by openpyxl (data_only: cached values)

The oracle renders values as backbone does: strings as they are, integers
without ".0", floats by repr(), booleans TRUE/FALSE, dates YYYY-MM-DD (with
THH:MM:SS when there is a time), times HH:MM:SS, durations H:MM:SS; the
header is the first row with a value, a repeated name gets _2, _3 ...; rows
with no value are skipped; an absent cell is null.
"""
import datetime
import io
import json
import sys
import zipfile

import openpyxl


def render(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime):
        if v.time() == datetime.time(0):
            return v.strftime("%Y-%m-%d")
        return v.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(v, datetime.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, datetime.time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, datetime.timedelta):
        s = int(round(v.total_seconds()))
        return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v)


def oracle(path, sheet=None):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [[render(c) for c in r] for r in ws.iter_rows(values_only=True)]
    rows = [r for r in rows if any(c is not None for c in r)]
    header = rows[0]
    while header and header[-1] is None:
        header.pop()
    keys = []
    for h in header:
        base = h if h is not None else ""
        k, n = base, 2
        while k in keys:
            k = "%s_%d" % (base, n)
            n += 1
        keys.append(k)
    out = []
    for r in rows[1:]:
        r = r + [None] * (len(keys) - len(r))
        out.append({k: r[i] for i, k in enumerate(keys)})
    return out


def make_openpyxl(out, epoch1904=False):
    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Intake"
    ws.append(["id", "name", "amount", "ratio", "active", "born", "seen", "at", "custom", "took"])
    ws.append([1, "Müller", 12.5, 0.1, True, datetime.date(1987, 3, 14),
               datetime.datetime(2024, 1, 5, 13, 45, 30), datetime.time(8, 30),
               datetime.datetime(2023, 12, 31), datetime.timedelta(hours=36, minutes=5)])
    # The 1904 system has no days before 1904-01-01 (Excel shows ####).
    early = datetime.date(1904, 1, 2) if epoch1904 else datetime.date(1900, 1, 1)
    ws.append([2, "Zoë \"Z\" O'Neil", -3, 1e-7, False, early,
               datetime.datetime(1999, 12, 31, 23, 59, 59), datetime.time(0, 0, 1),
               datetime.datetime(2000, 2, 29), datetime.timedelta(minutes=90)])
    ws.append([3, "line\nbreak", 123456789012, 2.5e16, None, datetime.date(2038, 1, 19),
               None, None, datetime.datetime(1970, 1, 1), None])
    for row in ws.iter_rows(min_row=2):
        row[5].number_format = "yyyy-mm-dd"
        row[6].number_format = "yyyy-mm-dd hh:mm:ss"
        row[7].number_format = "hh:mm:ss"
        row[8].number_format = 'dd"/"mm"/"yyyy;@'
        row[9].number_format = "[h]:mm:ss"
    second = wb.create_sheet("Second")
    second.append(["k", "v"])
    second.append(["a", 1])
    second.append(["b", 2])
    wb.save(out)


CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr%s/><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WBRELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="[$-409]d\\-mmm\\-yy;@"/><numFmt numFmtId="165" formatCode="&quot;day&quot; 0"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
SST = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
<si><t>id</t></si><si><t>name</t></si><si><t>when</t></si>
<si><r><rPr><b/></rPr><t>Rich </t></r><r><t xml:space="preserve">text </t></r><r><t>runs</t></r></si>
<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="0"/></si>
<si><t xml:space="preserve">  spaced  </t></si>
</sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F9"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>formula</t></is></c><c r="E1" t="inlineStr"><is><t>kind</t></is></c><c r="F1" t="inlineStr"><is><t>plain</t></is></c></row>
<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" s="1"><v>45296</v></c><c r="D2"><f>A2*2</f><v>2</v></c><c r="E2" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="F2" s="3"><v>7</v></c></row>
<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="s"><v>4</v></c><c r="C3" s="2"><v>1</v></c><c r="D3"><f>1/0</f><v>0.30000000000000004</v></c><c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
<row r="5"><c r="A5"><v>3</v></c><c r="C5" s="1"><v>61</v></c><c r="E5" t="b"><v>1</v></c><c r="F5" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>
<row r="6"><c r="A6" s="1"/><c r="B6" s="2"/></row>
<row r="7"><c r="B7" t="s"><v>5</v></c><c r="D7"><v>1.5E-3</v></c><c r="E7" t="b"><v>0</v></c></row>
<row r="9"><c r="A9"><v>5</v></c><c r="C9" s="1"><v>2958465</v></c><c r="D9"><v>-0.5</v></c></row>
</sheetData></worksheet>"""


def write_parts(out, parts, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in parts:
            z.writestr(name, data)


def handmade_parts(date1904=False, sheet=SHEET):
    return [("[Content_Types].xml", CT), ("_rels/.rels", RELS),
            ("xl/workbook.xml", WB % (' date1904="1"' if date1904 else "")),
            ("xl/_rels/workbook.xml.rels", WBRELS), ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", SST), ("xl/worksheets/sheet1.xml", sheet)]


def make_handmade(out):
    write_parts(out, handmade_parts())


def make_handmade1904(out):
    # 9999-12-31 is serial 2957003 in the 1904 system.
    sheet = SHEET.replace("<v>2958465</v>", "<v>2957003</v>")
    write_parts(out, handmade_parts(date1904=True, sheet=sheet))


def make_bomb(out):
    # 64 MB of blanks inside the sheet: deflates about a thousand to one.
    pad = " " * (64 << 20)
    sheet = SHEET.replace("<sheetData>", "<sheetData>" + pad)
    write_parts(out, handmade_parts(sheet=sheet))


def make_liar(out):
    # A sheet whose headers claim a small size: it must be caught while
    # inflating. Written stored-size-correct, then the sizes are patched.
    buf = io.BytesIO()
    sheet = SHEET.replace("<sheetData>", "<sheetData>" + " " * (3 << 20))
    write_parts(buf, handmade_parts(sheet=sheet))
    data = bytearray(buf.getvalue())
    real = len(sheet.encode())
    fake = (1000).to_bytes(4, "little")
    name = b"xl/worksheets/sheet1.xml"
    # local header: sizes at offset 22 (uncompressed); central: offset 24.
    i = data.find(b"PK\x03\x04" + b"", 0)
    while i >= 0:
        n = int.from_bytes(data[i + 26:i + 28], "little")
        if data[i + 30:i + 30 + n] == name:
            assert int.from_bytes(data[i + 22:i + 26], "little") == real
            data[i + 22:i + 26] = fake
        i = data.find(b"PK\x03\x04", i + 4)
    j = data.find(b"PK\x01\x02")
    while j >= 0:
        n = int.from_bytes(data[j + 28:j + 30], "little")
        if data[j + 46:j + 46 + n] == name:
            data[j + 24:j + 28] = fake
        j = data.find(b"PK\x01\x02", j + 4)
    open(out, "wb").write(bytes(data))


def make_doctype(out):
    sheet = SHEET.replace('<worksheet ', '<!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet ', 1)
    sheet = sheet.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', '<?xml version="1.0"?>')
    write_parts(out, handmade_parts(sheet=sheet))


def make_wide(out):
    cells = "".join('<c r="%s1" t="inlineStr"><is><t>c%d</t></is></c>' % (col(i), i) for i in range(1, 5001))
    sheet = SHEET.split("<sheetData>")[0] + "<sheetData><row r=\"1\">" + cells + "</row></sheetData></worksheet>"
    write_parts(out, handmade_parts(sheet=sheet))


def col(i):
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


MAKERS = {
    "openpyxl": make_openpyxl,
    "openpyxl1904": lambda out: make_openpyxl(out, epoch1904=True),
    "handmade": make_handmade,
    "handmade1904": make_handmade1904,
    "bomb": make_bomb,
    "liar": make_liar,
    "doctype": make_doctype,
    "wide": make_wide,
}

if __name__ == "__main__":
    if sys.argv[1] == "make":
        MAKERS[sys.argv[2]](sys.argv[3])
    elif sys.argv[1] == "oracle":
        json.dump(oracle(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None),
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        sys.exit("usage: xlsx_tool.py make KIND OUT | oracle FILE [SHEET]")
