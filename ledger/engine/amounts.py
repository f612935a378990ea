"""Amounts in words: 人民币大写, as printed on contracts and reviews (表5-14)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")  # within a group of four digits
GROUP_UNITS = ("", "万", "亿", "万亿")  # one per group of four digits
CENT = Decimal("0.01")


def rmb_upper(amount: Decimal | int | str) -> str:
    """``Decimal("123456.70")`` → ``壹拾贰万叁仟肆佰伍拾陆元柒角整``.

    The usual financial convention: a run of zeros inside the number reads as one 零
    (``壹拾万零伍元``), a whole group of zeros is skipped (``壹拾亿元整``), 整 closes an
    amount that ends at 元 or 角, and an amount under one yuan has no 元 (``伍分``).
    Refused with ValueError: negative amounts, more than two decimals, amounts of
    10,000 万亿 or more, and anything that is not a number (floats are refused too:
    they cannot hold cents exactly).
    """
    if isinstance(amount, float | bool):
        raise ValueError("give the amount as a Decimal, an int or a string, not a float")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    if value < 0:
        raise ValueError("an amount in words cannot be negative")
    if value != value.quantize(CENT):
        raise ValueError("an amount has at most two decimals (分)")
    cents = int(value.quantize(CENT) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan >= 10 ** (4 * len(GROUP_UNITS)):
        raise ValueError("amount too large")
    words = _integer_words(yuan)
    if yuan == 0 and (jiao or fen):
        words = ""  # 伍分, 壹角整: no 零元 before the cents
    else:
        words += "元"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"  # 壹拾元零伍分
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return words


def _integer_words(number: int) -> str:
    if number == 0:
        return "零"
    digits = str(number)
    out: list[str] = []
    zero_pending = False
    group_has_digit = False
    for i, ch in enumerate(digits):
        position = len(digits) - 1 - i
        digit = int(ch)
        if digit == 0:
            zero_pending = bool(out)
        else:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(DIGITS[digit] + SMALL_UNITS[position % 4])
            group_has_digit = True
        if position % 4 == 0:
            if group_has_digit:
                out.append(GROUP_UNITS[position // 4])
            group_has_digit = False
    return "".join(out)
