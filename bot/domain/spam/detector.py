"""The anti-spam and raid detector for one guild: plain events in, a :class:`Verdict` out.

Three small limiters, in the spirit of RoboDanny's ``SpamChecker``:

* per account: sliding windows over the account's recent messages (burst, duplicates, mentions, @everyone,
  links, invites, attachments, emoji, newlines); an offence gives one MEMBER verdict per
  ``member_window_seconds``; later messages of that account in the window are only handed back for deletion;
* per content (cross-account): recent substantive messages are grouped by link key or near-same skeleton.
  Enough *young* accounts (joined < ``young_join_hours`` or account < ``young_account_days``) in one group
  is a RAID. A link group counts every young poster; a text-only group counts young accounts that repeat
  it, so a class of newcomers saying hello never locks the guild. Established members never count;
  Every Discord invite is one key (an invite to another server), a URL its registered domain, and a message
  pinging ``mass_mention_min`` members groups with others like it; an invite from a *recent* account (joined
  within ``recent_join_days``: a raid's sleepers) counts as from a young one;
* coordinated offences: ``coordinated_min_accounts`` recent accounts earning per-account verdicts of any kind
  within ``coordinated_seconds`` are one RAID, with the young accounts posting fast beside them. While a raid
  is on, a recent account breaking any per-account rule, or a young one posting fast, is folded into it;
* joins: a burst of young or avatar-less joiners makes them suspects; when enough suspects spam, it is a RAID.

The event timestamps are the only clock. Every structure is pruned by time and capped by size.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.spam.events import JoinEvent, MessageEvent
from bot.domain.spam.normalize import NormalizedContent, jaccard, normalize, shingles
from bot.domain.spam.policy import SpamPolicy, SpamThresholds
from bot.domain.spam.quiet import is_quiet

__all__ = ["Reason", "SpamDetector", "Verdict", "VerdictKind"]

MAX_MESSAGES_PER_ACCOUNT = 64
MAX_CLUSTERS = 256
MAX_CLUSTER_ENTRIES = 512
MAX_KEYS_PER_CLUSTER = 8
NEAR_SCAN = 64
MAX_OFFENCES = 2_000
MASS_MENTION_KEY = "M:mass_mention"
"""Messages pinging several members group together whatever their text, like posts of one link."""
MAX_JOINS = 2_000
MAX_SUSPECTS = 5_000
MAX_RAID_ACCOUNTS = 20_000
MAX_SIGNATURE_LINKS = 64
MAX_SIGNATURE_TEXTS = 32
_NEVER = float("-inf")


class VerdictKind(StrEnum):
    NONE = "none"
    MEMBER = "member"
    RAID = "raid"
    JOIN_BURST = "join_burst"
    """Accounts joining in a burst, to quarantine before they post (``is_new_raid`` on the burst's first)."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why accounts were flagged; ``code`` is stable, the numbers fill "12 messages in 10 s"."""

    code: str
    count: int
    limit: int
    seconds: float

    @property
    def key(self) -> str:
        """Message-catalog key for this reason."""
        return f"spam.reason.{self.code}"

    @property
    def params(self) -> dict[str, int | float]:
        seconds = int(self.seconds) if float(self.seconds).is_integer() else self.seconds
        return {"count": self.count, "limit": self.limit, "seconds": seconds}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do after one event.

    ``offenders`` are the accounts to act against *now* (each at most once per offence window or raid);
    ``reasons`` explain them and are empty when there are none. ``delete`` is always honoured, also on a
    NONE verdict: that is how later messages of an account already dealt with are cleaned up.
    """

    kind: VerdictKind = VerdictKind.NONE
    reasons: tuple[Reason, ...] = ()
    offenders: frozenset[int] = frozenset()
    delete: dict[int, list[int]] = field(default_factory=dict)
    is_new_raid: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    @property
    def message_ids(self) -> frozenset[int]:
        """Every message id in ``delete``, whatever its channel."""
        return frozenset(mid for ids in self.delete.values() for mid in ids)


# --- tracked state ----------------------------------------------------------------------------------------
class _Msg:
    __slots__ = ("at", "attachments", "author_id", "channel_id", "deleted", "emoji", "everyone", "invites",
                 "links", "mentions", "message_id", "newlines", "recent", "role_mentions", "skeleton",
                 "young")  # fmt: skip
    one = 1  # what a message adds to the burst count

    def __init__(self, ev: MessageEvent, at: float, norm: NormalizedContent, young: bool, recent: bool) -> None:
        self.at = at
        self.author_id = ev.author_id
        self.channel_id = ev.channel_id
        self.message_id = ev.message_id
        self.skeleton = norm.skeleton
        self.mentions = ev.mention_user_count + ev.mention_role_count
        self.role_mentions = ev.mention_role_count
        self.everyone = int(ev.everyone_attempt)
        self.links = len(norm.links)
        self.invites = len(norm.invites)
        self.attachments = ev.attachment_count
        self.emoji = norm.emoji
        self.newlines = ev.content.count("\n")
        # A link or an invite to another server from a recent account (a sleeper) counts as from a young one.
        self.young = young or (recent and bool(norm.links))
        self.recent = recent
        self.deleted = False


class _Account:
    __slots__ = ("flagged_until", "last_at", "msgs")

    def __init__(self) -> None:
        self.msgs: deque[_Msg] = deque(maxlen=MAX_MESSAGES_PER_ACCOUNT)
        self.last_at = _NEVER
        self.flagged_until = _NEVER


class _Cluster:
    """Recent messages with one link key or near-same skeleton, with per-author counts kept incrementally."""

    __slots__ = ("cid", "counts", "entries", "grams", "is_link", "keys", "last_at", "repeaters", "young")

    def __init__(self, cid: int, key: str, grams: frozenset[str] | None) -> None:
        self.cid = cid
        self.keys = [key]
        self.grams = grams
        self.is_link = grams is None
        self.entries: deque[_Msg] = deque()
        self.counts: dict[int, int] = {}
        self.young: dict[int, int] = {}
        self.repeaters = 0  # young authors with two or more messages here
        self.last_at = _NEVER

    def add(self, m: _Msg) -> None:
        if len(self.entries) >= MAX_CLUSTER_ENTRIES:
            self._drop_oldest()
        self.entries.append(m)
        self.last_at = max(self.last_at, m.at)
        self.counts[m.author_id] = self.counts.get(m.author_id, 0) + 1
        if m.young:
            n = self.young[m.author_id] = self.young.get(m.author_id, 0) + 1
            if n == 2:
                self.repeaters += 1

    def prune(self, cutoff: float) -> None:
        while self.entries and self.entries[0].at < cutoff:
            self._drop_oldest()

    def counted(self) -> int:
        """Young accounts that count towards a raid: every poster of a link, repeaters of a text."""
        return len(self.young) if self.is_link else self.repeaters

    def counted_accounts(self) -> set[int]:
        if self.is_link:
            return set(self.young)
        return {author for author, n in self.young.items() if n >= 2}

    def _drop_oldest(self) -> None:
        m = self.entries.popleft()
        _decrement(self.counts, m.author_id)
        if m.young:
            if self.young.get(m.author_id) == 2:
                self.repeaters -= 1
            _decrement(self.young, m.author_id)


def _decrement(counts: dict[int, int], key: int) -> None:
    n = counts[key] - 1
    if n:
        counts[key] = n
    else:
        del counts[key]


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    attr: str
    limit: int
    seconds: float


def _window_rules(th: SpamThresholds, new_member: bool) -> tuple[_Rule, ...]:
    return (
        _Rule("burst", "one", th.burst_max, th.burst_seconds),
        _Rule("duplicates", "skeleton", th.duplicates_max, th.duplicates_seconds),
        _Rule("mentions", "mentions", th.mentions_max, th.mentions_seconds),
        _Rule("role_mentions", "role_mentions", th.role_mentions_max, th.mentions_seconds),
        _Rule("everyone", "everyone", th.new_member_everyone_max if new_member else th.everyone_max,
              th.everyone_seconds),
        _Rule("links", "links", th.new_member_links_max if new_member else th.links_max, th.links_seconds),
        _Rule("invites", "invites", th.new_member_invites_max if new_member else th.invites_max,
              th.invites_seconds),
        _Rule("attachments", "attachments", th.attachments_max, th.attachments_seconds),
        _Rule("emoji", "emoji", th.emoji_max, th.emoji_seconds),
        _Rule("newlines", "newlines", th.newlines_max, th.newlines_seconds),
    )  # fmt: skip


def _retention(th: SpamThresholds) -> float:
    return max(rule.seconds for rule in _window_rules(th, False))


# --- the detector -------------------------------------------------------------------------------------------
class SpamDetector:
    """Spam and raid detection for one guild. Feed it every message and join, in arrival order."""

    def __init__(self, policy: SpamPolicy) -> None:
        self._policy = policy
        self._guild_id: int | None = None
        self._rules = {
            (id(th), new): _window_rules(th, new) for th in (policy.day, policy.night) for new in (False, True)
        }
        self._retention = max(_retention(policy.day), _retention(policy.night), policy.member_window_seconds)
        self._cluster_keep = max(policy.day.cluster_seconds, policy.night.cluster_seconds)
        self._join_keep = max(policy.day.join_burst_seconds, policy.night.join_burst_seconds)
        self._now = _NEVER
        self._accounts: OrderedDict[int, _Account] = OrderedDict()
        self._clusters: OrderedDict[int, _Cluster] = OrderedDict()
        self._cluster_index: dict[str, int] = {}
        self._next_cluster = 0
        self._joins: deque[tuple[float, int, float]] = deque()
        # Every weighed (suspicious) join of the last follow window: a raid's early sleepers joined before the
        # burst's own window and never became suspects, yet they are raid accounts too.
        self._weighed_joins: deque[tuple[float, int]] = deque(maxlen=MAX_JOINS)
        self._follow_keep = 60 * max(policy.day.join_burst_follow_minutes, policy.night.join_burst_follow_minutes)
        self._join_weight = 0.0
        self._join_burst_until = _NEVER
        self._join_reason: Reason | None = None
        self._suspects: OrderedDict[int, float] = OrderedDict()
        self._suspect_spam: OrderedDict[int, float] = OrderedDict()
        self._offences_log: deque[tuple[float, int]] = deque(maxlen=MAX_OFFENCES)
        self._raid_active = False
        self._raid_started = _NEVER
        self._raid_accounts: dict[int, None] = {}
        self._sig_links: dict[str, None] = {}
        self._sig_texts: deque[frozenset[str]] = deque(maxlen=MAX_SIGNATURE_TEXTS)
        self._last_spam_at: datetime | None = None

    # --- public state ---
    @property
    def raid_active(self) -> bool:
        return self._raid_active

    @property
    def last_spam_at(self) -> datetime | None:
        """Timestamp of the last event that led to a deletion or an offender."""
        return self._last_spam_at

    def is_quiet(self, now: datetime) -> bool:
        """No spam for ``quiet_minutes``: a raid may be ended."""
        return is_quiet(now, (self._last_spam_at,), self._policy.quiet_minutes)

    def end_raid(self) -> None:
        """Staff (or the quiet timer) ended the raid: forget its accounts and signature."""
        self._raid_active = False
        self._raid_started = _NEVER
        self._raid_accounts.clear()
        self._sig_links.clear()
        self._sig_texts.clear()
        self._suspect_spam.clear()

    def join_burst_accounts(self, at: datetime) -> frozenset[int]:
        """Accounts that joined in a burst and are still watched at ``at`` (a raid's sleepers among them), and,
        while a burst or a raid is on, every suspicious joiner of the follow window before ``at``."""
        t = at.timestamp()
        accounts = {user_id for user_id, until in self._suspects.items() if until >= t}
        if self._join_burst_until >= t or self._raid_active:
            since = t - self._policy.thresholds_at(at).join_burst_follow_minutes * 60
            accounts.update(user_id for joined, user_id in self._weighed_joins if since <= joined <= t)
        return frozenset(accounts)

    def forget(self, author_id: int) -> None:
        """Drop everything known about an account (it left, or was banned)."""
        self._accounts.pop(author_id, None)
        self._suspects.pop(author_id, None)
        self._suspect_spam.pop(author_id, None)
        self._raid_accounts.pop(author_id, None)
        if any(user_id == author_id for _, user_id in self._weighed_joins):
            kept = [join for join in self._weighed_joins if join[1] != author_id]
            self._weighed_joins = deque(kept, maxlen=MAX_JOINS)

    def sizes(self) -> dict[str, int]:
        """Sizes of the internal structures, to check memory stays bounded."""
        return {
            "accounts": len(self._accounts),
            "tracked_messages": sum(len(a.msgs) for a in self._accounts.values()),
            "largest_account": max((len(a.msgs) for a in self._accounts.values()), default=0),
            "clusters": len(self._clusters),
            "cluster_entries": sum(len(c.entries) for c in self._clusters.values()),
            "cluster_keys": len(self._cluster_index),
            "joins": len(self._joins),
            "weighed_joins": len(self._weighed_joins),
            "suspects": len(self._suspects),
            "suspect_spammers": len(self._suspect_spam),
            "raid_accounts": len(self._raid_accounts),
            "signature": len(self._sig_links) + len(self._sig_texts),
        }

    # --- events ---
    def observe_message(self, ev: MessageEvent) -> Verdict:
        """Judge one message."""
        self._check_guild(ev.guild_id)
        if ev.is_exempt:
            return Verdict()
        t = ev.at.timestamp()
        self._prune(t)
        th = self._policy.thresholds_at(ev.at)
        norm = normalize(ev.content)
        young = th.is_young(ev.at, ev.account_created_at, ev.joined_at)
        m = _Msg(ev, t, norm, young, young or th.is_recent(ev.at, ev.account_created_at, ev.joined_at))
        acc = self._touch(ev.author_id, t)
        acc.msgs.append(m)
        reasons: list[Reason] = []
        spam: list[_Msg] = []
        # An account already dealt with needs no checking: whatever it posts now is deleted anyway.
        if acc.flagged_until <= t and ev.author_id not in self._raid_accounts:
            rules = self._rules[id(th), th.is_new_member(ev.at, ev.joined_at)]
            reasons, spam = self._offences(acc, m, th, rules)
        cluster = self._cluster_for(m, norm, th) if self._substantive(ev, m, norm, th) else None

        trigger, accounts = self._raid_trigger(m, acc, th, cluster, reasons)
        if trigger:
            verdict = self._declare_raid(m, th, cluster, trigger, accounts, reasons)
        elif self._raid_active and (
            ev.author_id in self._raid_accounts
            or (m.young and self._matches_signature(m, norm, th))
            or (m.recent and bool(reasons))
            or (m.young and (self._fast(acc, m.at, th) or m.at <= self._raid_started + th.raid_sweep_seconds))
        ):
            verdict = self._raid_follow_up(m, acc, th, reasons)
        elif reasons and acc.flagged_until <= t:
            acc.flagged_until = t + self._policy.member_window_seconds
            verdict = Verdict(VerdictKind.MEMBER, tuple(reasons), frozenset({ev.author_id}), _take(spam))
        elif acc.flagged_until > t:
            verdict = Verdict(delete=_take([*spam, m]))
        else:
            return Verdict()
        if verdict.delete or verdict.offenders:
            self._last_spam_at = ev.at if self._last_spam_at is None else max(self._last_spam_at, ev.at)
        return verdict

    def observe_join(self, ev: JoinEvent) -> Verdict:
        """Note a join. Returns NONE; with a ``join_burst`` reason when a burst starts (for a staff alert)."""
        self._check_guild(ev.guild_id)
        t = ev.at.timestamp()
        self._prune(t)
        th = self._policy.thresholds_at(ev.at)
        joins = self._joins
        cutoff = t - th.join_burst_seconds
        while joins and (joins[0][0] < cutoff or len(joins) >= MAX_JOINS):
            self._join_weight -= joins.popleft()[2]
        if not joins:
            self._join_weight = 0.0
        weight = th.join_weight(ev.at, ev.account_created_at, ev.has_avatar)
        if weight <= 0:
            return Verdict()
        joins.append((t, ev.user_id, weight))
        self._weighed_joins.append((t, ev.user_id))
        self._join_weight += weight
        until = t + th.join_burst_follow_minutes * 60
        if self._join_burst_until >= t:
            self._join_burst_until = until
            self._suspect(ev.user_id, until)
            return self._quarantine({ev.user_id}, new=False)
        if self._join_weight + 1e-9 < th.join_burst_count:
            return Verdict()
        self._join_burst_until = until
        self._join_reason = Reason("join_burst", len(joins), th.join_burst_count, th.join_burst_seconds)
        for _, user_id, _ in joins:
            self._suspect(user_id, until)
        return self._quarantine({user_id for _, user_id, _ in joins}, new=True)

    def _quarantine(self, accounts: set[int], *, new: bool) -> Verdict:
        """A join burst is a raid from its first moment: its joiners are raid accounts before they post."""
        fresh = {a for a in accounts if a not in self._raid_accounts}
        if not fresh:
            return Verdict()
        new_raid = not self._raid_active
        self._raid_active = True
        for author in fresh:
            self._mark_raider(author)
        why = (self._join_reason,) if self._join_reason is not None else ()
        return Verdict(VerdictKind.JOIN_BURST, why, frozenset(fresh), is_new_raid=new and new_raid)

    # --- per account ---
    @staticmethod
    def _offences(
        acc: _Account, m: _Msg, th: SpamThresholds, rules: tuple[_Rule, ...]
    ) -> tuple[list[Reason], list[_Msg]]:
        """Rules the newest message ``m`` breaks, and the messages that make up each offence."""
        reasons: list[Reason] = []
        spam: list[_Msg] = []
        for code, value, limit in (
            ("mentions", m.mentions, th.mentions_per_message_max),
            ("emoji", m.emoji, th.emoji_per_message_max),
        ):
            if value > limit:
                reasons.append(Reason(code, value, limit, 0))
                spam.append(m)
        for rule in rules:
            # A window rule can only newly break when the newest message adds to it.
            if not getattr(m, rule.attr) or any(r.code == rule.code for r in reasons):
                continue
            cutoff = m.at - rule.seconds
            total = 0
            hits: list[_Msg] = []
            for r in reversed(acc.msgs):
                if r.at < cutoff:
                    break
                amount = int(r.skeleton == m.skeleton) if rule.attr == "skeleton" else getattr(r, rule.attr)
                if amount:
                    total += amount
                    hits.append(r)
            if total > rule.limit:
                reasons.append(Reason(rule.code, total, rule.limit, rule.seconds))
                spam.extend(hits)
        return reasons, spam

    # --- cross account ---
    @staticmethod
    def _substantive(ev: MessageEvent, m: _Msg, norm: NormalizedContent, th: SpamThresholds) -> bool:
        if norm.links:
            return True
        if ev.mention_user_count or ev.mention_role_count or ev.everyone_attempt:
            return True
        return len(m.skeleton) >= th.cluster_min_chars

    def _cluster_for(self, m: _Msg, norm: NormalizedContent, th: SpamThresholds) -> _Cluster | None:
        """The message's content group. Only young accounts start groups or look for near matches:
        established members merely join an exact match (they dilute its young share, nothing more)."""
        grouped = bool(norm.links) or m.mentions >= th.mass_mention_min
        if norm.links:
            key = "L:" + (norm.invites or norm.links)[0]
        else:
            key = MASS_MENTION_KEY if m.mentions >= th.mass_mention_min else "S:" + m.skeleton
        cid = self._cluster_index.get(key)
        cluster = self._clusters.get(cid) if cid is not None else None
        if cluster is None and not m.young:
            return None
        if cluster is None and not grouped:
            cluster = self._near_cluster(shingles(m.skeleton), th.cluster_similarity)
            if cluster is not None and len(cluster.keys) < MAX_KEYS_PER_CLUSTER:
                cluster.keys.append(key)
                self._cluster_index[key] = cluster.cid
        if cluster is None:
            cluster = _Cluster(self._next_cluster, key, None if grouped else shingles(m.skeleton))
            self._next_cluster += 1
            self._clusters[cluster.cid] = cluster
            self._cluster_index[key] = cluster.cid
            if len(self._clusters) > MAX_CLUSTERS:
                self._evict(next(iter(self._clusters.values())))
        else:
            self._clusters.move_to_end(cluster.cid)
        cluster.prune(m.at - th.cluster_seconds)
        cluster.add(m)
        return cluster

    def _near_cluster(self, grams: frozenset[str], threshold: float) -> _Cluster | None:
        for scanned, cluster in enumerate(reversed(self._clusters.values())):
            if scanned >= NEAR_SCAN:
                break
            other = cluster.grams
            if other is None:
                continue
            small, large = sorted((len(grams), len(other)))
            if small >= threshold * large and jaccard(grams, other) >= threshold:
                return cluster
        return None

    def _evict(self, cluster: _Cluster) -> None:
        del self._clusters[cluster.cid]
        for key in cluster.keys:
            if self._cluster_index.get(key) == cluster.cid:
                del self._cluster_index[key]

    def _raid_trigger(
        self, m: _Msg, acc: _Account, th: SpamThresholds, cluster: _Cluster | None, reasons: list[Reason]
    ) -> tuple[list[Reason], set[int]]:
        """Reasons this message makes (or keeps) a raid, and the accounts it is made of."""
        trigger: list[Reason] = []
        accounts: set[int] = set()
        if cluster is not None and m.young:
            counted = cluster.counted()
            needed = th.link_min_accounts if cluster.is_link else th.cluster_min_accounts
            if counted >= needed and len(cluster.young) >= th.cluster_young_fraction * len(cluster.counts):
                trigger.append(Reason("cross_account", counted, needed, th.cluster_seconds))
                if not self._raid_active:
                    accounts |= cluster.counted_accounts()
                # A young account posting the raid's content is part of it. (Once the raid is on, every
                # other account in the cluster is caught at its own next message.)
                accounts.add(m.author_id)
        soft = m.young and bool(m.everyone or m.invites or self._rapid(acc, m.at, th))
        if m.recent and (reasons or soft):
            together = self._coordinated(m, th)
            if len(together) >= th.coordinated_min_accounts:
                trigger.append(Reason("coordinated", len(together), th.coordinated_min_accounts,
                                      th.coordinated_seconds))  # fmt: skip
                accounts |= together
        spammers = self._suspects_spamming(m, acc, th, cluster, reasons)
        if spammers and self._join_reason is not None:
            trigger.append(self._join_reason)
            accounts |= spammers
        return trigger, accounts

    def _coordinated(self, m: _Msg, th: SpamThresholds) -> set[int]:
        """Note that a recent account earned a per-account verdict (or, young, tried @everyone, posted an
        invite or posts at a bot's pace); the recent offenders of the window."""
        offences = self._offences_log
        offences.append((m.at, m.author_id))
        cutoff = m.at - th.coordinated_seconds
        while offences and offences[0][0] < cutoff:
            offences.popleft()
        return {author for _, author in offences}

    @staticmethod
    def _rapid(acc: _Account, t: float, th: SpamThresholds) -> bool:
        """At a bot's pace: ``rapid_messages`` within ``rapid_seconds`` (counted as a coordinated offence)."""
        cutoff = t - th.rapid_seconds
        return sum(1 for r in acc.msgs if r.at >= cutoff) >= th.rapid_messages

    def _fast(self, acc: _Account, t: float, th: SpamThresholds) -> bool:
        """Posting ``raid_sweep_messages`` within ``burst_seconds``: during a raid a young account doing so
        is one of the raid's, even before it breaks a per-account limit."""
        cutoff = t - th.burst_seconds
        return sum(1 for r in acc.msgs if r.at >= cutoff) >= th.raid_sweep_messages

    def _sweep(self, t: float, th: SpamThresholds) -> set[int]:
        """When a raid starts: the young accounts posting in its first moments (``raid_sweep_seconds``), and
        those posting fast or posting links, mentions or @everyone within ``coordinated_seconds``."""
        cutoff, close = t - th.coordinated_seconds, t - th.raid_sweep_seconds
        swept: set[int] = set()
        for author, acc in self._accounts.items():
            recent = [r for r in acc.msgs if r.at >= cutoff and r.young]
            if not recent:
                continue
            loud = any(r.links or r.mentions or r.everyone for r in recent)
            if loud or recent[-1].at >= close or self._fast(acc, recent[-1].at, th):
                swept.add(author)
        return swept

    def _suspects_spamming(
        self, m: _Msg, acc: _Account, th: SpamThresholds, cluster: _Cluster | None, reasons: list[Reason]
    ) -> set[int]:
        """After a join burst: the suspects that spam, once there are enough of them."""
        if self._suspects.get(m.author_id, _NEVER) < m.at:
            return set()
        spamming: list[int] = []
        if reasons or acc.flagged_until > m.at:
            spamming.append(m.author_id)
        if cluster is not None:
            together = [a for a in cluster.counted_accounts() if self._suspects.get(a, _NEVER) >= m.at]
            if len(together) >= 2:
                spamming.extend(together)
        if not spamming:
            return set()
        until = m.at + th.join_burst_follow_minutes * 60
        for author in spamming:
            self._suspect_spam[author] = until
            self._suspect_spam.move_to_end(author)
        if len(self._suspect_spam) < th.join_burst_min_spammers:
            return set()
        return set(self._suspect_spam)

    def _declare_raid(
        self,
        m: _Msg,
        th: SpamThresholds,
        cluster: _Cluster | None,
        trigger: list[Reason],
        accounts: set[int],
        reasons: list[Reason],
    ) -> Verdict:
        new_raid = not self._raid_active
        self._raid_active = True
        if new_raid:
            self._raid_started = m.at
            accounts = accounts | self._sweep(m.at, th)
        fresh = {a for a in accounts if a not in self._raid_accounts}
        for author in fresh:
            self._mark_raider(author)
        if fresh:
            self._add_signature(m, th, cluster)
        # Raiders flagged earlier had their messages taken then, and every later one as it came.
        doomed: list[_Msg] = [m] if m.author_id in accounts else []
        for author in fresh:
            account = self._accounts.get(author)
            if account is not None:
                doomed.extend(account.msgs)
        if cluster is not None and fresh:
            doomed.extend(e for e in cluster.entries if e.author_id in fresh)
        offenders = frozenset(accounts if new_raid else fresh)
        why = (*trigger, *(reasons if m.author_id in accounts else ())) if offenders else ()
        return Verdict(VerdictKind.RAID, why, offenders, _take(doomed), is_new_raid=new_raid)

    def _raid_follow_up(self, m: _Msg, acc: _Account, th: SpamThresholds, reasons: list[Reason]) -> Verdict:
        """A raider's later message, or a young account posting the raid's content."""
        if m.author_id in self._raid_accounts:
            return Verdict(VerdictKind.RAID, delete=_take(acc.msgs))
        self._mark_raider(m.author_id)
        why = (Reason("raid_match", len(self._raid_accounts), th.cluster_min_accounts, th.cluster_seconds),
               *reasons)  # fmt: skip
        return Verdict(VerdictKind.RAID, why, frozenset({m.author_id}), _take(acc.msgs))

    def _matches_signature(self, m: _Msg, norm: NormalizedContent, th: SpamThresholds) -> bool:
        if any(link in self._sig_links for link in norm.links):
            return True
        if len(m.skeleton) < th.cluster_min_chars or not self._sig_texts:
            return False
        grams = shingles(m.skeleton)
        return any(jaccard(grams, other) >= th.cluster_similarity for other in self._sig_texts)

    def _add_signature(self, m: _Msg, th: SpamThresholds, cluster: _Cluster | None) -> None:
        if cluster is not None and cluster.is_link:
            link = cluster.keys[0][2:]
            if link not in self._sig_links:
                self._sig_links[link] = None
                if len(self._sig_links) > MAX_SIGNATURE_LINKS:
                    del self._sig_links[next(iter(self._sig_links))]
        grams = cluster.grams if cluster is not None and cluster.grams is not None else None
        if grams is None and len(m.skeleton) >= th.cluster_min_chars:
            grams = shingles(m.skeleton)
        if grams is not None and grams not in self._sig_texts:
            self._sig_texts.append(grams)

    def _mark_raider(self, author_id: int) -> None:
        self._raid_accounts[author_id] = None
        if len(self._raid_accounts) > MAX_RAID_ACCOUNTS:
            del self._raid_accounts[next(iter(self._raid_accounts))]

    # --- bookkeeping ---
    def _check_guild(self, guild_id: int) -> None:
        if self._guild_id is None:
            self._guild_id = guild_id
        elif guild_id != self._guild_id:
            raise ValueError(f"this detector watches guild {self._guild_id}, not {guild_id}")

    def _touch(self, author_id: int, t: float) -> _Account:
        acc = self._accounts.get(author_id)
        if acc is None:
            acc = self._accounts[author_id] = _Account()
        else:
            self._accounts.move_to_end(author_id)
        acc.last_at = max(acc.last_at, t)
        return acc

    def _suspect(self, user_id: int, until: float) -> None:
        self._suspects[user_id] = until
        self._suspects.move_to_end(user_id)
        if len(self._suspects) > MAX_SUSPECTS:
            self._suspects.popitem(last=False)

    def _prune(self, t: float) -> None:
        """Forget what no window can reach any more (amortised O(1): every structure is kept in time order)."""
        self._now = max(self._now, t)
        cutoff = self._now - self._retention
        accounts = self._accounts
        while accounts:
            author_id, acc = next(iter(accounts.items()))
            if acc.last_at >= cutoff:
                break
            del accounts[author_id]
        cutoff = self._now - self._cluster_keep
        while self._clusters:
            cluster = next(iter(self._clusters.values()))
            if cluster.last_at >= cutoff:
                break
            self._evict(cluster)
        cutoff = self._now - self._join_keep
        while self._joins and self._joins[0][0] < cutoff:
            self._join_weight -= self._joins.popleft()[2]
        cutoff = self._now - self._follow_keep
        while self._weighed_joins and self._weighed_joins[0][0] < cutoff:
            self._weighed_joins.popleft()
        for expiring in (self._suspects, self._suspect_spam):
            while expiring:
                user_id, until = next(iter(expiring.items()))
                if until >= self._now:
                    break
                del expiring[user_id]


def _take(msgs: Iterable[_Msg]) -> dict[int, list[int]]:
    """Message ids to delete per channel, each message handed out once."""
    out: dict[int, list[int]] = {}
    for m in msgs:
        if not m.deleted:
            m.deleted = True
            out.setdefault(m.channel_id, []).append(m.message_id)
    for ids in out.values():
        ids.sort()
    return out
