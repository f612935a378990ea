"""Who works for whom: the department scope every row-level rule is built on."""

from django.db.models import QuerySet

from accounts.models import OWNER_ROLES, Department, Role, User


def department_scope_ids(department: Department | None) -> set[int]:
    """The department and every department below it in the tree.

    Departments are few (tens), so the tree is walked in Python from one query.
    """
    if department is None:
        return set()
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in Department.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(dept_id)
    scope, stack = set(), [department.pk]
    while stack:
        current = stack.pop()
        if current not in scope:
            scope.add(current)
            stack.extend(children.get(current, []))
    return scope


def managed_department_ids(user: User) -> set[int] | None:
    """Departments whose salespeople the user manages; ``None`` means every department.

    总经理 and 管理员 manage everyone; a 销售经理 manages their department and the
    departments below it; nobody else manages anyone.
    """
    if user.sees_everything:
        return None
    if user.role == Role.MANAGER:
        cached = getattr(user, "_managed_department_ids", None)
        if cached is None:
            cached = department_scope_ids(user.department)
            user._managed_department_ids = cached
        return cached
    return set()


def owners_managed_by(user: User, *, include_inactive: bool = False) -> QuerySet[User]:
    """Users who may own customers and whom ``user`` manages (active ones unless asked).

    A departed salesperson is usually deactivated first; their customers can still be
    handed over, hence ``include_inactive``.
    """
    owners = User.objects.filter(role__in=OWNER_ROLES)
    if not include_inactive:
        owners = owners.filter(is_active=True)
    scope = managed_department_ids(user)
    if scope is None:
        return owners
    if not scope:
        return owners.none()
    return owners.filter(department_id__in=scope)


def owner_choices_for(user: User) -> QuerySet[User]:
    """Whom ``user`` may name as the owner of a customer they create or edit.

    A salesperson owns what they enter; a manager may give it to anyone they manage
    (themselves included); 总经理 and 管理员 to any salesperson.
    """
    if user.sees_everything or user.role == Role.MANAGER:
        return owners_managed_by(user)
    if user.role in OWNER_ROLES:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()
