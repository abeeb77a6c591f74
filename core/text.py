"""Characters never accepted in a value, whatever the channel: NUL (which PostgreSQL refuses in text), other
C0 controls but tab, line feed and carriage return, DEL, UTF-16 surrogates (which no encoder accepts; a JSON
"\\ud800" produces one) and the two bidirectional overrides, which make a name display reversed
("长春\u202e司公限有" reads as another company's name). The request guard, the API's JSON parser, record
validation and every form use this definition."""

import re

UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202d\u202e\ud800-\udfff]")
