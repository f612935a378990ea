"""待我处理: what waits for the user across every workflow."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ledger.workflow import inbox as inbox_site


@require_GET
def inbox(request):
    """Every role has an inbox; each provider lists only what its selector gives the user."""
    sections = inbox_site.sections_for(request.user)
    total = sum(s.count for s in sections)
    context = {
        "sections": [s for s in sections if s.count],
        # The top bar's badge reads the same figures instead of counting again.
        "inbox_count": total,
    }
    return render(request, "ledger/inbox.html", context)
