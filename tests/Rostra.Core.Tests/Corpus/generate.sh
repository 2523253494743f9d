#!/usr/bin/env bash
# Writes the corpus of files as a spreadsheet program writes them, from the typed sheets in source/, with
# LibreOffice Calc (Debian package libreoffice-calc-nogui). Run once by hand; the tests read the committed files
# and never need LibreOffice.
#
# Each CSV is LibreOffice's "Text CSV" export with the delimiter and character set of one of Excel's Save As
# choices: CSV UTF-8, CSV (Comma delimited) (Windows-1252), semicolons (European Excel), Unicode Text
# (UTF-16 LE with BOM, tabs), CSV (Macintosh) / Mac Excel's Comma Separated Values (Mac Roman, CR line ends)
# and CSV (MS-DOS) (code page 850). Letters a character set cannot hold are written as "?", as Excel does.
#
# LibreOffice 7.4 writes neither a UTF-8 BOM nor CR-only line ends: those two steps are done here afterwards,
# as noted below.
set -euo pipefail
cd "$(dirname "$0")"
command -v soffice >/dev/null || { echo "generate.sh: soffice (LibreOffice) is needed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile="-env:UserInstallation=file://$work/profile"

# Typed sheets are read as UTF-8 with every column as text (columns 1-7 format 2), as typed in a Text-formatted sheet.
as_text='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2'
# The leading-zeros sheet reads School ID (column 6) as "Standard", so 00417 becomes the number 417, as Excel does.
as_typed='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/1/7/2'

# csv SOURCE INFILTER OUTPUT DELIMITER CHARSET: one export; charset numbers are LibreOffice's rtl_TextEncoding
# (1 Windows-1252, 2 Mac Roman, 4 IBM 850, 76 UTF-8, 65535 UTF-16 LE with BOM).
csv() {
    local source=$1 infilter=$2 output=$3 delimiter=$4 charset=$5
    rm -rf "$work/out"
    soffice --headless "$profile" --infilter="$infilter" \
        --convert-to "csv:Text - txt - csv (StarCalc):$delimiter,34,$charset,1,,0,false,true,true,false,false" \
        --outdir "$work/out" "source/$source" >/dev/null
    mv "$work/out/${source%.*}.csv" "$output"
}

# workbook SOURCE OUTPUT FILTER: one Save As of a typed .fods sheet.
workbook() {
    local source=$1 output=$2 filter=$3
    rm -rf "$work/out"
    soffice --headless "$profile" --convert-to "${output##*.}:$filter" --outdir "$work/out" "source/$source" >/dev/null
    mv "$work/out/${source%.*}.${output##*.}" "$output"
}

csv students.csv "$as_text" students-utf8.csv 44 76
csv students.csv "$as_text" students-utf8-bom.csv 44 76
# Excel's "CSV UTF-8" starts with a BOM; LibreOffice 7.4 has no option for it.
printf '\xEF\xBB\xBF' | cat - students-utf8-bom.csv > "$work/bom" && mv "$work/bom" students-utf8-bom.csv
csv students.csv "$as_text" students-windows1252.csv 44 1
csv students.csv "$as_text" students-semicolon.csv 59 1
csv students.csv "$as_text" students-utf16-tab.txt 9 65535
csv students.csv "$as_text" students-macroman-cr.csv 44 2
# Mac Excel ends lines with CR alone; LibreOffice writes LF.
tr '\n' '\r' < students-macroman-cr.csv > "$work/cr" && mv "$work/cr" students-macroman-cr.csv
csv students.csv "$as_text" students-dos850.csv 44 4
csv lost-letters.csv "$as_text" lost-letters-windows1252.csv 44 1
csv leading-zeros.csv "$as_typed" leading-zeros.csv 44 76

# Rows pasted together from two exports: the first six students from the UTF-8 file, the rest from the Windows one;
# and a row of the Windows file pasted under the CSV UTF-8 one (BOM and all). Neither can be read as typed.
{ head -n 7 students-utf8.csv; tail -n +8 students-windows1252.csv; } > students-mixed-utf8-windows1252.csv
{ cat students-utf8-bom.csv; sed -n 9p students-windows1252.csv | sed 's/renee.smithjones/renee.smithjones2/'; } > students-utf8-bom-pasted-windows1252.csv

workbook students.fods students.xlsx 'Calc MS Excel 2007 XML'
workbook students-date.fods students-date.xlsx 'Calc MS Excel 2007 XML'
workbook students.fods students.xlsm 'Calc MS Excel 2007 VBA XML'
workbook students.fods students.xls 'MS Excel 97'
workbook students.fods students.ods 'calc8'
echo "generate.sh: corpus written to $(pwd)" >&2
