"""How long a text may be, enforced where data is saved (``full_clean`` in every service).

Short texts are ``CharField``s whose ``max_length`` the model checks. Long texts
(风险预警, 逾期记录, 详情, 内容, 处理结果) are ``TextField``s capped by a validator: a ledger
entry is a note, not a document, and one unbounded text once held a request worker for
minutes while its PDF was drawn. The cap also keeps every value far below Excel's
32,767-character cell limit.
"""

from django.core.validators import MaxLengthValidator

LONG_TEXT_MAX_LENGTH = 2000


def long_text_validators() -> list:
    return [MaxLengthValidator(LONG_TEXT_MAX_LENGTH)]
