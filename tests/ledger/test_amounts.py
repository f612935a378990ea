"""人民币大写: the amount in words printed on contracts and reviews."""

from decimal import Decimal

import pytest

from ledger.engine.amounts import rmb_upper


@pytest.mark.parametrize(
    "amount, words",
    [
        ("0.00", "零元整"),
        ("0.05", "伍分"),
        ("0.10", "壹角整"),
        ("0.15", "壹角伍分"),
        ("10.00", "壹拾元整"),
        ("10.05", "壹拾元零伍分"),
        ("100005.20", "壹拾万零伍元贰角整"),
        ("1000000000.00", "壹拾亿元整"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("123456.70", "壹拾贰万叁仟肆佰伍拾陆元柒角整"),
        ("100010000", "壹亿零壹万元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_ints_and_strings_are_amounts_too():
    assert rmb_upper(10) == "壹拾元整"
    assert rmb_upper("0.5") == "伍角整"
    assert rmb_upper(Decimal("1.500")) == "壹元伍角整"  # trailing zeros are not decimals


@pytest.mark.parametrize(
    "amount", [Decimal("-0.01"), Decimal("-100"), -1, Decimal("1.005"), Decimal("0.001")]
)
def test_negative_amounts_and_fractions_of_a_fen_are_refused(amount):
    with pytest.raises(ValueError):
        rmb_upper(amount)


@pytest.mark.parametrize("amount", [1.5, "abc", None, Decimal("NaN"), Decimal("Infinity")])
def test_what_is_not_an_amount_is_refused(amount):
    with pytest.raises(ValueError):
        rmb_upper(amount)


def test_amounts_beyond_the_largest_unit_are_refused():
    assert rmb_upper(Decimal("1" + "0" * 15)).startswith("壹仟万亿")
    with pytest.raises(ValueError):
        rmb_upper(Decimal("1" + "0" * 16))
