#!/usr/bin/env python3
"""Writes the workbook fixtures in Fixtures/workbooks/ (deterministic; run from anywhere).

    pip install xlsxwriter openpyxl xlwt msoffcrypto-tool
    python3 Fixtures/generate_workbooks.py

Real writers make the ordinary workbooks: xlsxwriter (shared strings, as Excel writes them) and
openpyxl (formulas without saved results, error cells, inline strings). The hostile ones are zips
put together by hand around one bad part. What each file must do is asserted by
Tests/StocktakingTests/Import/WorkbookImportTests.swift and Tests/StocktakeCLITests/WorkbookEndToEndTests.swift.
"""
import csv
import datetime
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "workbooks")
HEADER = ["external_id", "title", "description", "organization", "stakeholder_type", "countries", "coverage",
          "status", "start_date", "end_date", "website", "contact_email", "partners", "activity_type",
          "action_lines", "sdgs", "gdc_objectives", "submitted_on"]
FIXED_TIME = datetime.datetime(2025, 1, 1)


def path(name):
    return os.path.join(OUT, name)


def xlsxwriter_book(name, **options):
    import xlsxwriter
    book = xlsxwriter.Workbook(path(name), options)
    book.set_properties({"created": FIXED_TIME})  # reproducible bytes
    return book


def cells():
    """A title row above the header, numeric ids, dates, rich text, _x000D_, edge spaces, formulas
    with saved results, a second sheet with values and a hidden one."""
    book = xlsxwriter_book("cells.xlsx")
    sheet = book.add_worksheet("Projects")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    long_date = book.add_format({"num_format": "d mmmm yyyy"})
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, "WSIS submissions 2025 (title row)")
    columns = ["external_id", "title", "description", "organization", "countries", "status", "start_date",
               "end_date", "action_lines", "sdgs"]
    for index, name in enumerate(columns):
        sheet.write_string(2, index, name)
    # Row 4: a numeric id, a date-formatted number, a rich-text title, edge spaces.
    sheet.write_number(3, 0, 12345)
    sheet.write_rich_string(3, 1, "Rich ", bold, "text", " title")
    sheet.write_string(3, 2, "  spaces at both edges  ")
    sheet.write_string(3, 3, "Ministry of ICT")
    sheet.write_string(3, 4, "KE")
    sheet.write_string(3, 5, "ongoing")
    sheet.write_datetime(3, 6, datetime.datetime(2019, 6, 1), date)
    sheet.write_datetime(3, 7, datetime.datetime(2024, 2, 29), long_date)
    sheet.write_string(3, 8, "C5")
    sheet.write_number(3, 9, 4)
    # Row 5: a 12-digit id Excel's General format would show as 1.23457E+11, a carriage return
    # (written as _x000D_), a partial date as text, a formula with its saved result.
    sheet.write_number(4, 0, 123456789012)
    sheet.write_string(4, 1, "Line one\r\nline two")
    sheet.write_string(4, 2, "literal _x0041_ stays")
    sheet.write_string(4, 3, "Ministry of ICT")
    sheet.write_string(4, 4, "UG")
    sheet.write_string(4, 5, "completed")
    sheet.write_string(4, 6, "2019")
    sheet.write_formula(4, 9, "=2+3", None, 5)
    sheet.write_formula(4, 8, '="C"&"6"', None, "C6")
    # Rows 6-7 empty but formatted: ignored, like the empty columns right of the header.
    sheet.write_blank(5, 0, None, bold)
    sheet.write_blank(6, 12, None, bold)
    notes = book.add_worksheet("Notes")
    notes.write_string(0, 0, "A second sheet with values")
    hidden = book.add_worksheet("Hidden")
    hidden.write_string(0, 0, "external_id")
    hidden.hide()
    book.close()


def merged():
    """Merged cells: a value merged over two rows and one merged over two columns. Excel keeps the
    value in the top-left cell only; the others are empty."""
    book = xlsxwriter_book("merged.xlsx")
    sheet = book.add_worksheet("Projects")
    for index, name in enumerate(["external_id", "title", "description", "organization", "action_lines"]):
        sheet.write_string(0, index, name)
    sheet.write_string(1, 0, "M-1")
    sheet.merge_range(1, 1, 1, 2, "Title merged over title and description")
    sheet.merge_range(1, 3, 2, 3, "Ministry merged over two rows")
    sheet.write_string(1, 4, "C1")
    sheet.write_string(2, 0, "M-2")
    sheet.write_string(2, 1, "Second")
    sheet.write_string(2, 2, "Its own description")
    sheet.write_string(2, 4, "C2")
    book.close()


def dates_1904():
    book = xlsxwriter_book("dates-1904.xlsx", date_1904=True)
    sheet = book.add_worksheet("Sheet1")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for index, name in enumerate(["external_id", "title", "action_lines", "start_date", "end_date"]):
        sheet.write_string(0, index, name)
    sheet.write_string(1, 0, "D-1904")
    sheet.write_string(1, 1, "Dated in the 1904 system")
    sheet.write_string(1, 2, "C1")
    sheet.write_datetime(1, 3, datetime.datetime(1904, 1, 1), date)  # serial 0 in this system
    sheet.write_datetime(1, 4, datetime.datetime(2001, 1, 2), date)
    book.close()


def dates_1900():
    """Serials around Excel's phantom 1900-02-29 (serial 60), written as numbers with a date format."""
    book = xlsxwriter_book("dates-1900.xlsx")
    sheet = book.add_worksheet("Sheet1")
    date = book.add_format({"num_format": 14})
    for index, name in enumerate(["external_id", "title", "action_lines", "start_date"]):
        sheet.write_string(0, index, name)
    for row, serial in enumerate([1, 59, 60, 61, 43617], start=1):
        sheet.write_string(row, 0, "S-%d" % serial)
        sheet.write_string(row, 1, "Serial %d" % serial)
        sheet.write_string(row, 2, "C1")
        sheet.write_number(row, 3, serial, date)
    book.close()


def openpyxl_cells():
    """openpyxl writes formulas without a saved result, and error values as error cells."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["external_id", "title", "action_lines", "sdgs"])
    sheet.append(["E-1", "Good row", "C1", "4"])
    sheet.append(["E-2", "#N/A", "C2", "4"])  # an error value in the title cell
    sheet.append(["E-3", "Formula without result", "C3", "=1+3"])
    sheet.append(["E-4", "Also good", "#REF!", "5"])
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.save(path("errors.xlsx"))


def sample():
    """Fixtures/projects-sample.csv saved as a workbook: every cell a string, as Excel would keep
    text typed in text-formatted columns; empty fields are no cell at all."""
    book = xlsxwriter_book("projects-sample.xlsx", strings_to_numbers=False, strings_to_formulas=False, strings_to_urls=False)
    sheet = book.add_worksheet("Projects")
    with open(os.path.join(HERE, "projects-sample.csv"), newline="", encoding="utf-8") as handle:
        for row, record in enumerate(csv.reader(handle)):
            for column, value in enumerate(record):
                if value:
                    sheet.write_string(row, column, value)
    book.close()


def prizes():
    """Fixtures/prizes-sample.csv saved as a workbook, years as numbers (as typed into Excel)."""
    book = xlsxwriter_book("prizes-sample.xlsx")
    sheet = book.add_worksheet("Prizes")
    with open(os.path.join(HERE, "prizes-sample.csv"), newline="", encoding="utf-8") as handle:
        for row, record in enumerate(csv.reader(handle)):
            for column, value in enumerate(record):
                if value.isdigit() and row > 0:
                    sheet.write_number(row, column, int(value))
                elif value:
                    sheet.write_string(row, column, value)
    book.close()


def stray_value():
    """A value right of the header's last column, in a sheet whose name needs quoting."""
    book = xlsxwriter_book("stray-value.xlsx")
    sheet = book.add_worksheet("Project list")
    for index, name in enumerate(["external_id", "title", "action_lines"]):
        sheet.write_string(0, index, name)
    sheet.write_row(1, 0, ["V-1", "Fine", "C1"])
    sheet.write_row(2, 0, ["V-2", "Stray value two columns right", "C1", None, "note"])
    sheet.write_row(3, 0, ["V-3", "Bad action line", "C99"])
    book.close()


def long_numeric_ids():
    """Ids typed into number cells: 16 digits (Excel keeps 15 significant ones: warned), 14 (fine)."""
    book = xlsxwriter_book("long-numeric-ids.xlsx")
    sheet = book.add_worksheet("Sheet1")
    for index, name in enumerate(["external_id", "title", "action_lines"]):
        sheet.write_string(0, index, name)
    sheet.write_number(1, 0, 1234567890123456)
    sheet.write_row(1, 1, ["Sixteen digits", "C1"])
    sheet.write_number(2, 0, 12345678901234)
    sheet.write_row(2, 1, ["Fourteen digits", "C1"])
    book.close()


# Hand-made zips around one hostile part.

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '</Types>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 'Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>title</t></is></c><c r="C1" t="inlineStr"><is><t>action_lines</t></is></c></row>')


def hand_made(name, sheet_xml, extra=()):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in [("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet_xml), *extra]:
            info = zipfile.ZipInfo(part, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)


def hostile():
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>H-1</t></is></c><c r="B2" t="inlineStr"><is><t>&e;</t></is></c>' \
          '<c r="C2" t="inlineStr"><is><t>C1</t></is></c></row>'
    hand_made("xxe.xlsx", '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
              + SHEET_START.split("\n", 1)[1] + "<sheetData>" + HEADER_ROW + row + "</sheetData></worksheet>")
    laughs = "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    hand_made("billion-laughs.xlsx", '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + laughs + ']>\n'
              + SHEET_START.split("\n", 1)[1] + "<sheetData>" + HEADER_ROW + row.replace("&e;", "&l9;")
              + "</sheetData></worksheet>")
    # 64 MiB of white space inside the sheet: about 64 KiB compressed, a ratio near 1,000.
    padding = " " * (64 << 20)
    hand_made("zip-bomb.xlsx", SHEET_START + "<sheetData>" + HEADER_ROW + "</sheetData>" + padding + "</worksheet>")
    hand_made("too-many-rows.xlsx", SHEET_START + "<sheetData>" + HEADER_ROW
              + '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    hand_made("too-many-columns.xlsx", SHEET_START + "<sheetData>" + HEADER_ROW
              + '<row r="2"><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    with open(path("cells.xlsx"), "rb") as handle:
        whole = handle.read()
    with open(path("truncated.xlsx"), "wb") as handle:
        handle.write(whole[: len(whole) // 2])
    # An OpenDocument spreadsheet's first entry is its stored mimetype.
    with zipfile.ZipFile(path("spreadsheet.ods"), "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", date_time=(2025, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", date_time=(2025, 1, 1, 0, 0, 0)), "<office:document-content/>")


def legacy_and_encrypted():
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for index, name in enumerate(["external_id", "title", "action_lines"]):
        sheet.write(0, index, name)
    book.save(path("legacy.xls"))
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        print("msoffcrypto-tool is not installed: encrypted.xlsx left as it is")
        return
    encrypted = io.BytesIO()
    with open(path("dates-1904.xlsx"), "rb") as plain:
        office = OOXMLFile(plain)
        office.encrypt("secret", encrypted)
    with open(path("encrypted.xlsx"), "wb") as handle:
        handle.write(encrypted.getvalue())


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    cells()
    merged()
    dates_1904()
    dates_1900()
    openpyxl_cells()
    sample()
    prizes()
    stray_value()
    long_numeric_ids()
    hostile()
    legacy_and_encrypted()
