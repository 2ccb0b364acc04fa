# Reads the mbox written by test_oxcmail with Python's own mailbox and email
# modules (an independent MIME parser) and compares every field with what the
# C test put into the MAPI messages. mboxrd: Python's mbox reader splits on
# "From " lines but does not unquote, so one '>' is removed here from lines
# matching ^>+From  (RFC 4155 / mboxrd). Text bodies are compared after
# CRLF -> LF (base64 text is canonical CRLF, RFC 2045 6.8).
# Exit status 0 when everything matches; the first difference is printed.
import datetime
import email
import email.policy
import mailbox
import re
import sys

path = sys.argv[1]
raw_file = open(path, 'rb').read()
raw_file.decode('ascii')  # 7-bit output
assert all(len(l) <= 998 for l in raw_file.split(b'\n')), 'line over 998'

mb = mailbox.mbox(path, create=False)
keys = mb.keys()
assert len(keys) == 4, len(keys)


def unquote(raw):
    return re.sub(rb'(?m)^>(>*From )', rb'\1', raw)


msgs = []
for k in keys:
    m = email.message_from_bytes(unquote(mb.get_bytes(k)), policy=email.policy.default)
    msgs.append((mb.get_message(k).get_from(), m))


def nl(s):
    return s.replace('\r\n', '\n')


def addrs(m, h):
    return [(a.display_name, a.addr_spec) for a in m[h].addresses]


def eq(a, b):
    if a != b:
        raise AssertionError('%r != %r' % (a, b))


UTC = datetime.timezone.utc

# --- 1: Russian, text + HTML, two attachments, To/Cc/Bcc
frm, m = msgs[0]
assert frm.startswith('ivan@example.com '), frm
eq(m['subject'], 'Отчёт о продажах за ноябрь — итоги квартала и планы на декабрь 2026 года')
eq(addrs(m, 'from'), [('Иван Петров', 'ivan@example.com')])
assert m['sender'] is None
eq(addrs(m, 'to'), [('Alice Example', 'alice@example.com'), ('Пётр Сидоров', 'petr@example.org')])
eq(addrs(m, 'cc'), [("O'Brien, Pat", 'pat@example.net')])
assert m['bcc'] is None and b'secret@example.com' not in raw_file
eq(m['message-id'], '<ru-1@example.com>')
eq(m['in-reply-to'], '<parent@example.com>')
eq(m['references'].split(), ['<root@example.com>', '<parent@example.com>'])
eq(m['importance'], 'high')
eq(m['priority'], 'urgent')
eq(m['sensitivity'], 'Company-Confidential')
eq(m['date'].datetime, datetime.datetime(2026, 11, 24, 10, 30, 5, tzinfo=UTC))
eq(m['mime-version'], '1.0')
eq(m.get_content_type(), 'multipart/mixed')
# the inline attachment with a Content-ID sits beside the HTML (RFC 2387)
related, att1 = m.get_payload()
eq(related.get_content_type(), 'multipart/related')
eq(related.get_param('type'), 'multipart/alternative')
body, att2 = related.get_payload()
eq(body.get_content_type(), 'multipart/alternative')
plain, html = body.get_payload()
eq(plain.get_content_type(), 'text/plain')
eq(nl(plain.get_content()), 'Здравствуйте!\nПродажи выросли на 12 %.\nС уважением,\nИван\n')
eq(html.get_content_type(), 'text/html')
eq(nl(html.get_content()), '<html><body><p>Привет, <b>мир</b></p></body></html>\n')
eq(att1.get_filename(), 'Отчёт №1 — résumé (final).bin')
eq(att1.get_content_type(), 'application/octet-stream')
eq(att1.get_content_disposition(), 'attachment')
eq(att1['content-transfer-encoding'], 'base64')
eq(att1.get_payload(decode=True), bytes((i * 7 + (i >> 8)) & 0xFF for i in range(1000)))
eq(att2.get_filename(), 'notes.txt')
eq(att2.get_content_type(), 'text/plain')
eq(att2.get_content_disposition(), 'inline')
eq(att2['content-id'], '<notes@example>')
eq(att2.get_payload(decode=True), b'plain notes\r\nline two\r\n')

# --- 2: Japanese, sent-representing sender, generated Message-ID
frm, m = msgs[1]
assert frm.startswith('yamada@example.jp '), frm
eq(m['subject'], '会議の議事録：来週の予定について（第二版）')
eq(addrs(m, 'from'), [('山田太郎', 'yamada@example.jp')])
eq(addrs(m, 'to'), [('鈴木花子', 'hanako@example.jp')])
assert m['cc'] is None
assert re.fullmatch(r'<oc\.[0-9a-f]{16}\.\d+\.0@example\.test>', m['message-id']), m['message-id']
eq(m['importance'], 'low')
eq(m['priority'], 'non-urgent')
eq(m['date'].datetime, datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
eq(m.get_content_type(), 'text/plain')
eq(nl(m.get_content()), 'お疲れ様です。\n来週の会議は火曜日です。\nよろしくお願いします。\n')

# --- 3: French, quoted-printable, "From " lines quoted in the mbox
frm, m = msgs[2]
eq(m['subject'], "Réunion de l'équipe — café à 10h")
assert frm.startswith('jeanne@example.fr '), frm
eq(addrs(m, 'from'), [('Direction générale', 'direction@example.fr')])
eq(addrs(m, 'sender'), [('Jeanne Dupont', 'jeanne@example.fr')])
eq(addrs(m, 'reply-to'), [('Secrétariat', 'secretariat@example.fr')])
eq(addrs(m, 'to'), [('', 'equipe@example.fr')])
# Python keeps Keywords unstructured: the phrase with a comma stays quoted
eq(str(m['keywords']), 'Réunion, "Projet \\"A\\", phase 2", urgent')
eq(m['content-transfer-encoding'], 'quoted-printable')
french = ('Bonjour à tous,\nFrom the minutes of last week:\n>From an old quote\n'
          '>>From a deeper one\nÀ bientôt, et n\'oubliez pas le café.\n')
eq(nl(m.get_content()), french)
assert b'\n>From the minutes' in raw_file
assert b'\n>>From an old quote' in raw_file
assert b'\n>>>From a deeper one' in raw_file

# --- 4: ASCII, a long folded subject, 7bit body, an embedded message
frm, m = msgs[3]
assert frm.startswith('MAILER-DAEMON '), frm
eq(m['subject'], 'A rather long plain ASCII subject line that has to be folded somewhere '
   'because it goes well past seventy-eight columns')
assert m['from'] is None
eq(m['sensitivity'], 'Personal')
body, inner = m.get_payload()
eq(body['content-transfer-encoding'], '7bit')
eq(body.get_content(), 'From here on, plain text.\nFrom the start of a line again.\n')
eq(inner.get_content_type(), 'message/rfc822')
eq(inner.get_filename(), 'forwarded.eml')
em = inner.get_content()
eq(em['subject'], '会議の議事録：来週の予定について（第二版）')
eq(nl(em.get_content()), 'お疲れ様です。\n来週の会議は火曜日です。\nよろしくお願いします。\n')
print('ok: 4 messages')
