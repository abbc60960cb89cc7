using OrderLedger.Domain;
using OrderLedger.Domain.Conversations;
using OrderLedger.EventStore.Serialization;
using OrderLedger.Metrics.Infrastructure;
using OrderLedger.Projections;
using OrderLedger.Projections.Sql;

namespace OrderLedger.Metrics;

/// <summary>
/// Customer-service facts for the §5 metrics, one row per thing a figure counts; the figures themselves (rates, NPS,
/// percentiles, overdue against "now") are computed by <see cref="ServiceMetricsQueries"/> over these rows.
/// <list type="bullet">
/// <item><c>metric_inquiries</c>: one row per inquiry (§5 three-minute rule): start, store-local day, whether it started in
/// service hours, first human reply, withdrawal (the customer resolved while open), agent (the replier; while open, the
/// assignee), priority (the conversation's when it started or while it waited).</item>
/// <item><c>metric_conversations</c>: one row per conversation: customer, order, first resolution (day, agent), first reopen
/// after it (first-contact resolution), NPS survey sent / answered (score, days, agent).</item>
/// <item><c>metric_ratings</c>: one row per satisfaction rating (good-review rate).</item>
/// <item><c>metric_service_stores</c>: each store's time zone and service hours, from its policy events.</item>
/// <item><c>metric_service_hourly</c>: per store, local day and UTC hour, how many inquiries started outside service hours,
/// ratings (and satisfied ones) were given, NPS answers were promoters / passives / detractors, conversations were first
/// resolved and of those how many stopped being first-contact (the counts of the rows above, maintained with them).</item>
/// <item><c>metric_reply_waits</c>: per store, local day and wait bucket, the answered in-hours inquiries' waits (count,
/// in time, exact sum, first and last start, last reply), for the reply rate's exact mean and percentiles
/// (<see cref="ReplyWaitHistogram"/>).</item>
/// </list>
/// </summary>
public sealed class ServiceMetricsProjection : IProjection
{
    public const string StoresTable = "metric_service_stores";
    public const string ConversationsTable = "metric_conversations";
    public const string InquiriesTable = "metric_inquiries";
    public const string RatingsTable = "metric_ratings";
    public const string HourlyTable = "metric_service_hourly";
    public const string ReplyWaitsTable = "metric_reply_waits";

    /// <summary>The facts counted in <see cref="HourlyTable"/>.</summary>
    public static class Facts
    {
        public const string Rating = "rating";
        public const string SatisfiedRating = "rating_satisfied";
        public const string Promoter = "nps_promoter";
        public const string Passive = "nps_passive";
        public const string Detractor = "nps_detractor";
        public const string OutsideHours = "outside_hours";

        /// <summary>Inquiries in service hours without a reply yet, by their start: one more at the start, one less at the first reply.</summary>
        public const string Unreplied = "inquiry_unreplied";
        public const string Resolved = "fcr_resolved";
        public const string Broken = "fcr_broken";

        // The counts that follow a conversation's classification now (they move when it is reclassified): by the start
        // (conversations started, complaints among them) and by the first resolution (bot-started ones, those resolved
        // without a hand-off before, and per category the resolutions and those no longer first-contact).
        public const string Started = "conv_started";
        public const string Complaint = "conv_complaint";
        public const string BotResolved = "bot_resolved";
        public const string ResolvedByBot = "bot_resolved_by_bot";
        public const string CategoryResolvedPrefix = "fcr_resolved:";
        public const string CategoryBrokenPrefix = "fcr_broken:";

        public static string CategoryResolved(string category) => CategoryResolvedPrefix + category;

        public static string CategoryBroken(string category) => CategoryBrokenPrefix + category;
    }

    private static readonly StoreCalendars Calendars = new(StoresTable);
    private static readonly HourlyCounts Hourly = new(HourlyTable);
    private static readonly ReplyWaitHistogram ReplyWaits = new(ReplyWaitsTable, InquiriesTable);

    public string Name => "metric_service";

    /// <summary>
    /// 2: hourly counts (<see cref="HourlyTable"/>), <c>repeat_at</c> / <c>broken_at</c>, covering indexes for the dashboard.
    /// 3: inquiries outside service hours counted hourly; partial indexes of answered / unanswered in-hours inquiries.
    /// 4: store policies kept as a history by business time; only the customer withdraws an inquiry (<c>closed_at</c>
    /// marks one closed unanswered by anyone else).
    /// 5: each inquiry's and conversation's priority (<c>conversation-priority-set</c>), for the figures per priority.
    /// 6: each conversation's start day, bot start, first hand-off and classification (<c>conversation-classified</c>), for
    /// the complaint rate, the bot resolution rate and first-contact resolution per category.
    /// 7: hourly counts of the classification figures (<see cref="Facts.Started"/>, <see cref="Facts.Complaint"/>, bot
    /// resolutions, first-contact resolution per category), moved from the old bucket to the new when a conversation's
    /// classification or first-contact status changes.
    /// 8: each inquiry's wait in seconds as a stored generated column, covered by the answered inquiries' index.
    /// 9: the answered inquiries' waits as a histogram per store, local day and wait bucket (<see cref="ReplyWaitsTable"/>,
    /// each inquiry's <c>wait_bucket</c>); the category in the first resolutions' covering indexes, and an index of the
    /// broken ones (first-contact resolution per category reads the last 7 days from the buckets, less the breaks by now).
    /// 10: hourly counts of the inquiries in service hours not replied to (<see cref="Facts.Unreplied"/>) and an index of
    /// the withdrawn ones among them: the reply rate's unanswered inquiries are counted from the buckets, reading only the
    /// last 180 s, the withdrawn and those replied to after "now".
    /// </summary>
    public int Version => 10;

    public IReadOnlySet<string> EventTypes { get; } = DomainEventTypes.NamesOf([
        .. StoreCalendars.Events,
        typeof(ConversationStarted), typeof(ConversationPrioritySet), typeof(CustomerMessageReceived), typeof(ConversationHandedOff), typeof(AgentAssigned), typeof(AgentReplied),
        typeof(ConversationResolved), typeof(ConversationReopened), typeof(SatisfactionRated), typeof(NpsSurveySent), typeof(NpsAnswered),
        typeof(ConversationClassified)]);

    public IReadOnlyList<string> Tables { get; } = [StoresTable, ConversationsTable, InquiriesTable, RatingsTable, HourlyTable, ReplyWaitsTable];

    /// <summary>The counts, rewritten by every batch that adds to them: compacted before a build goes live.</summary>
    public IReadOnlyList<string> CompactedTables { get; } = [HourlyTable, ReplyWaitsTable];

    public string CreateTablesSql(string schema) => Calendars.CreateTableSql(schema) + $"""

        CREATE TABLE {schema}.{ConversationsTable} (
            conversation_id    text PRIMARY KEY,
            store_id           text NOT NULL,
            customer_id        text NOT NULL,
            order_id           text,
            human_mode         boolean NOT NULL,
            agent_id           text,
            started_at         timestamptz NOT NULL,
            inquiries          integer NOT NULL,
            ratings            integer NOT NULL,
            first_resolved_at  timestamptz,
            first_resolved_day date,
            resolved_agent_id  text,
            reopened_at        timestamptz,
            survey_sent_at     timestamptz,
            survey_day         date,
            survey_agent_id    text,
            nps_score          integer,
            nps_answered_at    timestamptz,
            nps_day            date,
            repeat_at          timestamptz,
            broken_at          timestamptz,
            priority           text NOT NULL,
            started_day        date NOT NULL,
            bot_started        boolean NOT NULL,
            first_handed_off_at timestamptz,
            category           text,
            is_complaint       boolean NOT NULL,
            complaint_at       timestamptz
        );
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, started_day) INCLUDE (started_at, is_complaint);
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, started_at) INCLUDE (started_day, is_complaint);
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, complaint_at) WHERE complaint_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, first_resolved_day) INCLUDE (first_resolved_at, broken_at, category) WHERE first_resolved_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, first_resolved_at) INCLUDE (first_resolved_day, broken_at, category) WHERE first_resolved_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, first_resolved_at) INCLUDE (first_resolved_day, broken_at, category) WHERE broken_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (customer_id, order_id, started_at) WHERE order_id IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, survey_sent_at) WHERE survey_sent_at IS NOT NULL;
        CREATE INDEX ON {schema}.{ConversationsTable} (store_id, nps_answered_at) WHERE nps_answered_at IS NOT NULL;
        CREATE TABLE {schema}.{InquiriesTable} (
            conversation_id    text NOT NULL,
            seq                integer NOT NULL,
            store_id           text NOT NULL,
            agent_id           text,
            started_at         timestamptz NOT NULL,
            local_day          date NOT NULL,
            in_service_hours   boolean NOT NULL,
            first_reply_at     timestamptz,
            withdrawn_at       timestamptz,
            closed_at          timestamptz,
            priority           text NOT NULL,
            -- The wait for the first reply in seconds, kept by PostgreSQL from the two times (never written): the reply
            -- rate's exact mean and percentiles read it from an index instead of computing it for every row.
            wait_seconds       double precision GENERATED ALWAYS AS ({WaitSecondsSql}) STORED,
            -- Its bucket in the wait histogram, from the same expression (a generated column cannot read another).
            wait_bucket        integer GENERATED ALWAYS AS ({ReplyWaitHistogram.BucketOf(WaitSecondsSql)}) STORED,
            PRIMARY KEY (conversation_id, seq)
        );
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, local_day) INCLUDE (started_at, in_service_hours, first_reply_at, withdrawn_at);
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, started_at) INCLUDE (local_day, in_service_hours, first_reply_at, withdrawn_at);
        CREATE INDEX ON {schema}.{InquiriesTable} (agent_id, local_day);
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, local_day, started_at) INCLUDE (first_reply_at, wait_seconds, wait_bucket) WHERE in_service_hours AND first_reply_at IS NOT NULL;
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, wait_bucket, local_day) INCLUDE (started_at, first_reply_at, wait_seconds) WHERE in_service_hours AND first_reply_at IS NOT NULL;
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, first_reply_at) WHERE in_service_hours AND first_reply_at IS NOT NULL;
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, started_at) WHERE in_service_hours AND first_reply_at IS NULL;
        CREATE INDEX ON {schema}.{InquiriesTable} (store_id, started_at) INCLUDE (local_day, withdrawn_at) WHERE in_service_hours AND first_reply_at IS NULL AND withdrawn_at IS NOT NULL;
        CREATE TABLE {schema}.{RatingsTable} (
            conversation_id    text NOT NULL,
            seq                integer NOT NULL,
            store_id           text NOT NULL,
            agent_id           text,
            rated_at           timestamptz NOT NULL,
            local_day          date NOT NULL,
            rating             text NOT NULL,
            PRIMARY KEY (conversation_id, seq)
        );
        CREATE INDEX ON {schema}.{RatingsTable} (store_id, local_day);
        CREATE INDEX ON {schema}.{RatingsTable} (store_id, rated_at);
        """ + Hourly.CreateTableSql(schema) + ReplyWaits.CreateTableSql(schema);

    private const string WaitSecondsSql = "date_part('epoch', first_reply_at - started_at)";

    public async Task ApplyAsync(IReadOnlyList<DecodedEvent> batch, ProjectionContext context, CancellationToken cancellationToken)
    {
        // 1. Load everything the batch touches, one query per table.
        var conversationIds = batch.Select(e => ConversationIdOf(e.Event)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var conversations = conversationIds.Length == 0 ? [] : (await Conversations.LoadAsync(
            context, "conversation_id = ANY(@ids)", new Dictionary<string, object> { ["ids"] = conversationIds }, cancellationToken))
            .ToDictionary(c => c.ConversationId, StringComparer.Ordinal);
        var open = conversationIds.Length == 0 ? [] : (await Inquiries.LoadAsync(
            context, "conversation_id = ANY(@ids) AND first_reply_at IS NULL AND withdrawn_at IS NULL AND closed_at IS NULL",
            new Dictionary<string, object> { ["ids"] = conversationIds }, cancellationToken))
            .GroupBy(i => i.ConversationId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(i => i.Seq)!, StringComparer.Ordinal);
        var storeIds = batch.Select(e => e.Event is IStoreScoped scoped ? scoped.StoreId : null)
            .OfType<string>()
            .Concat(conversations.Values.Select(c => c.StoreId));
        var calendars = await Calendars.LoadAsync(context, storeIds, cancellationToken);

        // 2. Fold the batch in memory, in log order.
        var fold = new Fold(calendars, conversations, open, Hourly.NewBatch());
        fold.RememberCounted(conversations.Values);
        foreach (var e in batch)
        {
            fold.Apply(e);
        }

        // 2b. First-contact resolution: repeat contacts link conversations of the same customer and order, so the
        // conversations of every (customer, order) the batch touched are loaded (one query) and settled together.
        var pairs = fold.ChangedConversations.Where(c => c.OrderId is not null).Select(c => (c.CustomerId, c.OrderId!)).Distinct().ToArray();
        var sameOrder = pairs.Length == 0 ? [] : await Conversations.LoadAsync(
            context,
            "order_id IS NOT NULL AND (customer_id, order_id) IN (SELECT * FROM unnest(@customers::text[], @orders::text[]))",
            new Dictionary<string, object> { ["customers"] = pairs.Select(p => p.CustomerId).ToArray(), ["orders"] = pairs.Select(p => p.Item2).ToArray() },
            cancellationToken);
        fold.SettleFirstContact(sameOrder);
        fold.CountClassification();

        // 3. Write back: one multi-row upsert per table.
        await calendars.SaveAsync(context, cancellationToken);
        await Conversations.UpsertAsync(context, fold.ChangedConversations, cancellationToken);
        await Inquiries.UpsertAsync(context, fold.ChangedInquiries, cancellationToken);
        await ReplyWaits.AddAnsweredAsync(context, fold.Answered, cancellationToken);
        await Ratings.UpsertAsync(context, fold.NewRatings, cancellationToken);
        await fold.Counts.SaveAsync(context, cancellationToken);
    }

    private static string? ConversationIdOf(object e) => e is ConversationEvent c ? c.ConversationId : null;

    /// <summary>The §5 rules as one pass over the batch.</summary>
    private sealed class Fold(
        StoreCalendars.Batch calendars,
        Dictionary<string, ConversationFacts> conversations,
        Dictionary<string, InquiryFacts> openInquiries,
        HourlyCounts.Batch counts)
    {
        public HourlyCounts.Batch Counts => counts;

        private readonly Dictionary<string, ConversationFacts> changedConversations = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, int), InquiryFacts> changedInquiries = [];

        public List<ConversationFacts> ChangedConversations => [.. changedConversations.Values];

        public List<InquiryFacts> ChangedInquiries => [.. changedInquiries.Values];

        public List<RatingFacts> NewRatings { get; } = [];

        /// <summary>The in-hours inquiries this batch answered (each is answered once: only an open inquiry takes a reply).</summary>
        public List<(string ConversationId, int Seq)> Answered { get; } = [];

        /// <summary>What each stored conversation the batch may change counted in the classification buckets as it was loaded.</summary>
        private readonly Dictionary<string, List<(string Fact, DateOnly Day, DateTimeOffset At)>> countedBefore = new(StringComparer.Ordinal);

        public void RememberCounted(IEnumerable<ConversationFacts> stored)
        {
            foreach (var c in stored)
            {
                countedBefore.TryAdd(c.ConversationId, [.. ClassificationFacts(c)]);
            }
        }

        /// <summary>
        /// The classification buckets of every changed conversation: what it counts in now added, what it counted in when
        /// loaded taken away, so a reclassified conversation (or one whose first-contact status broke) moves from the old
        /// bucket to the new, exactly, whatever the batch boundaries.
        /// </summary>
        public void CountClassification()
        {
            foreach (var c in changedConversations.Values)
            {
                foreach (var (fact, day, at) in countedBefore.GetValueOrDefault(c.ConversationId) ?? [])
                {
                    counts.Add(c.StoreId, fact, day, at, -1);
                }

                foreach (var (fact, day, at) in ClassificationFacts(c))
                {
                    counts.Add(c.StoreId, fact, day, at);
                }
            }
        }

        /// <summary>The classification buckets a conversation counts in as it stands (docs/metrics.md, "Classification").</summary>
        private static IEnumerable<(string Fact, DateOnly Day, DateTimeOffset At)> ClassificationFacts(ConversationFacts c)
        {
            yield return (Facts.Started, c.StartedDay, c.StartedAt);
            if (c.IsComplaint)
            {
                yield return (Facts.Complaint, c.StartedDay, c.StartedAt);
            }

            if (c.FirstResolvedAt is not { } resolved || c.FirstResolvedDay is not { } day)
            {
                yield break;
            }

            var category = c.Category ?? ServiceMetricsQueries.Unclassified;
            yield return (Facts.CategoryResolved(category), day, resolved);
            if (c.BrokenAt is not null)
            {
                yield return (Facts.CategoryBroken(category), day, resolved);
            }

            if (c.BotStarted)
            {
                yield return (Facts.BotResolved, day, resolved);
                if (c.FirstHandedOffAt is null || c.FirstHandedOffAt > resolved)
                {
                    yield return (Facts.ResolvedByBot, day, resolved);
                }
            }
        }

        public void Apply(DecodedEvent e)
        {
            if (StoreCalendars.StoreIdOf(e.Event) is { } storeId)
            {
                calendars.Apply(storeId, e.Event, e.OccurredAt());
                return;
            }

            var at = e.OccurredAt();
            if (e.Event is ConversationStarted started)
            {
                if (!conversations.ContainsKey(started.ConversationId))
                {
                    Touch(new ConversationFacts
                    {
                        ConversationId = started.ConversationId,
                        StoreId = started.StoreId,
                        CustomerId = started.CustomerId,
                        OrderId = started.OrderId,
                        HumanMode = started.Mode == ConversationMode.Human,
                        BotStarted = started.Mode == ConversationMode.Bot,
                        StartedAt = at,
                        StartedDay = calendars.At(started.StoreId, at).LocalDay(at),
                    });
                }

                return;
            }

            if (ConversationIdOf(e.Event) is not { } id || !conversations.TryGetValue(id, out var c))
            {
                return; // a fact about a conversation never started: nothing to count
            }

            var calendar = calendars.At(c.StoreId, at);
            openInquiries.TryGetValue(id, out var inquiry);
            switch (e.Event)
            {
                case ConversationPrioritySet p:
                    // An inquiry still waiting is measured against the priority it has now (as the queue serves it).
                    c.Priority = p.Priority.Snake();
                    if (inquiry is not null)
                    {
                        inquiry.Priority = c.Priority;
                        Touch(inquiry);
                    }

                    break;
                case CustomerMessageReceived when c.HumanMode && inquiry is null:
                    StartInquiry(c, calendar, at);
                    break;
                case ConversationHandedOff:
                    c.HumanMode = true;
                    c.FirstHandedOffAt ??= at;
                    if (inquiry is null)
                    {
                        StartInquiry(c, calendar, at);
                    }

                    break;
                case AgentAssigned a:
                    c.AgentId = a.AgentId;
                    if (inquiry is not null)
                    {
                        inquiry.AgentId = a.AgentId;
                        Touch(inquiry);
                    }

                    break;
                case AgentReplied r when inquiry is not null:
                    inquiry.FirstReplyAt = at;
                    inquiry.AgentId = r.AgentId;
                    if (inquiry.InServiceHours)
                    {
                        Answered.Add((inquiry.ConversationId, inquiry.Seq));
                        counts.Add(c.StoreId, Facts.Unreplied, inquiry.LocalDay, inquiry.StartedAt, -1);
                    }

                    Close(inquiry);
                    break;
                case ConversationResolved:
                    if (inquiry is not null)
                    {
                        // §5: only the customer withdraws an inquiry; staff (or the system) closing an unanswered one
                        // leaves it unanswered: a miss once its 180 s have passed.
                        if (e.Metadata?.Actor.Kind == ActorKind.Customer)
                        {
                            inquiry.WithdrawnAt = at;
                        }
                        else
                        {
                            inquiry.ClosedAt = at;
                        }

                        Close(inquiry);
                    }

                    if (c.FirstResolvedAt is null)
                    {
                        c.FirstResolvedAt = at;
                        c.FirstResolvedDay = calendar.LocalDay(at);
                        c.ResolvedAgentId = c.AgentId;
                        counts.Add(c.StoreId, Facts.Resolved, c.FirstResolvedDay.Value, at);
                    }

                    break;
                case ConversationClassified k:
                    // "As classified now": the latest classification counts; a complaint is dated when it became one.
                    c.Category = k.Category.Snake();
                    c.ComplaintAt = !k.IsComplaint ? null : c.IsComplaint ? c.ComplaintAt : at;
                    c.IsComplaint = k.IsComplaint;
                    break;
                case ConversationReopened when c.FirstResolvedAt is not null && c.ReopenedAt is null:
                    c.ReopenedAt = at;
                    break;
                case SatisfactionRated rated:
                    c.Ratings++;
                    NewRatings.Add(new RatingFacts(c.ConversationId, c.Ratings, c.StoreId, c.AgentId, at, calendar.LocalDay(at), rated.Rating.Snake()));
                    counts.Add(c.StoreId, Facts.Rating, NewRatings[^1].LocalDay, at);
                    if (rated.Rating == SatisfactionRating.Satisfied)
                    {
                        counts.Add(c.StoreId, Facts.SatisfiedRating, NewRatings[^1].LocalDay, at);
                    }

                    break;
                case NpsSurveySent when c.SurveySentAt is null:
                    c.SurveySentAt = at;
                    c.SurveyDay = calendar.LocalDay(at);
                    c.SurveyAgentId = c.AgentId;
                    if (c.NpsAnsweredAt is not null)
                    {
                        CountAnswer(c); // answered before the survey is on record: the answer counts once there is a survey
                    }

                    break;
                case NpsAnswered answered when c.NpsAnsweredAt is null:
                    c.NpsAnsweredAt = at;
                    c.NpsDay = calendar.LocalDay(at);
                    c.NpsScore = answered.Score;
                    if (c.SurveySentAt is not null)
                    {
                        CountAnswer(c);
                    }

                    break;
                default:
                    return;
            }

            Touch(c);
        }

        /// <summary>
        /// §5 first-contact resolution, kept per conversation: <c>repeat_at</c> is the earliest start of another conversation
        /// of the same customer about the same order after the first resolution; <c>broken_at</c> the earliest of that and
        /// the first reopen, if within the 7 days (then the resolution is not first-contact from that moment on). Both
        /// follow from the rows, whatever order the log brought them in; a resolution's status breaks at most once, and
        /// that is when it is counted in the hourly <see cref="Facts.Broken"/>.
        /// </summary>
        public void SettleFirstContact(IEnumerable<ConversationFacts> stored)
        {
            var all = new Dictionary<string, ConversationFacts>(StringComparer.Ordinal);
            foreach (var c in stored)
            {
                all[c.ConversationId] = conversations.GetValueOrDefault(c.ConversationId) ?? c;
            }

            RememberCounted(stored.Where(c => !conversations.ContainsKey(c.ConversationId)));

            foreach (var c in changedConversations.Values)
            {
                all[c.ConversationId] = c;
            }

            foreach (var group in all.Values.GroupBy(c => c.OrderId is null ? (c.ConversationId, (string?)null) : (c.CustomerId, c.OrderId)))
            {
                foreach (var c in group)
                {
                    if (c.FirstResolvedAt is not { } resolved)
                    {
                        continue;
                    }

                    var repeat = c.OrderId is null
                        ? null
                        : group.Where(n => n.ConversationId != c.ConversationId && n.StartedAt > resolved).Select(n => (DateTimeOffset?)n.StartedAt).Min();
                    var until = resolved.AddDays(ServiceMetricsQueries.RepeatContactDays);
                    var broken = new[] { c.ReopenedAt, repeat }.Where(t => t <= until).Min();
                    if (repeat != c.RepeatAt || broken != c.BrokenAt)
                    {
                        if (c.BrokenAt is null && broken is not null)
                        {
                            counts.Add(c.StoreId, Facts.Broken, c.FirstResolvedDay!.Value, resolved);
                        }

                        c.RepeatAt = repeat;
                        c.BrokenAt = broken;
                        Touch(c);
                    }
                }
            }
        }

        /// <summary>An NPS answer counts (as the queries count it) once the conversation has both a survey and an answer.</summary>
        private void CountAnswer(ConversationFacts c) =>
            counts.Add(c.StoreId, c.NpsScore >= 9 ? Facts.Promoter : c.NpsScore >= 7 ? Facts.Passive : Facts.Detractor, c.NpsDay!.Value, c.NpsAnsweredAt!.Value);

        private void StartInquiry(ConversationFacts c, StoreCalendar calendar, DateTimeOffset at)
        {
            c.Inquiries++;
            var inquiry = new InquiryFacts
            {
                ConversationId = c.ConversationId,
                Seq = c.Inquiries,
                StoreId = c.StoreId,
                AgentId = c.AgentId,
                StartedAt = at,
                LocalDay = calendar.LocalDay(at),
                InServiceHours = calendar.InServiceHours(at),
                Priority = c.Priority,
            };
            openInquiries[c.ConversationId] = inquiry;
            Touch(inquiry);
            counts.Add(c.StoreId, inquiry.InServiceHours ? Facts.Unreplied : Facts.OutsideHours, inquiry.LocalDay, at);
        }

        private void Close(InquiryFacts inquiry)
        {
            openInquiries.Remove(inquiry.ConversationId);
            Touch(inquiry);
        }

        private void Touch(ConversationFacts c)
        {
            conversations[c.ConversationId] = c;
            changedConversations[c.ConversationId] = c;
        }

        private void Touch(InquiryFacts i) => changedInquiries[(i.ConversationId, i.Seq)] = i;
    }

    internal sealed class ConversationFacts
    {
        public required string ConversationId { get; init; }
        public required string StoreId { get; init; }
        public required string CustomerId { get; init; }
        public string? OrderId { get; init; }
        public bool HumanMode { get; set; }
        public string? AgentId { get; set; }
        public DateTimeOffset StartedAt { get; init; }
        public int Inquiries { get; set; }
        public int Ratings { get; set; }
        public DateTimeOffset? FirstResolvedAt { get; set; }
        public DateOnly? FirstResolvedDay { get; set; }
        public string? ResolvedAgentId { get; set; }
        public DateTimeOffset? ReopenedAt { get; set; }
        public DateTimeOffset? SurveySentAt { get; set; }
        public DateOnly? SurveyDay { get; set; }
        public string? SurveyAgentId { get; set; }
        public int? NpsScore { get; set; }
        public DateTimeOffset? NpsAnsweredAt { get; set; }
        public DateOnly? NpsDay { get; set; }
        public DateTimeOffset? RepeatAt { get; set; }
        public DateTimeOffset? BrokenAt { get; set; }
        public string Priority { get; set; } = NormalPriority;
        public DateOnly StartedDay { get; init; }
        public bool BotStarted { get; init; }
        public DateTimeOffset? FirstHandedOffAt { get; set; }

        /// <summary>The latest classification's category (snake case); null: never classified.</summary>
        public string? Category { get; set; }
        public bool IsComplaint { get; set; }

        /// <summary>When the classification that made it a complaint was given (null while it is none).</summary>
        public DateTimeOffset? ComplaintAt { get; set; }
    }

    internal sealed class InquiryFacts
    {
        public required string ConversationId { get; init; }
        public int Seq { get; init; }
        public required string StoreId { get; init; }
        public string? AgentId { get; set; }
        public DateTimeOffset StartedAt { get; init; }
        public DateOnly LocalDay { get; init; }
        public bool InServiceHours { get; init; }
        public DateTimeOffset? FirstReplyAt { get; set; }
        public DateTimeOffset? WithdrawnAt { get; set; }

        /// <summary>Closed unanswered by someone other than the customer (not a withdrawal).</summary>
        public DateTimeOffset? ClosedAt { get; set; }

        /// <summary>The conversation's priority when the inquiry started, or that it was given while the inquiry waited.</summary>
        public string Priority { get; set; } = NormalPriority;
    }

    private static readonly string NormalPriority = ConversationPriority.Normal.Snake();

    internal sealed record RatingFacts(string ConversationId, int Seq, string StoreId, string? AgentId, DateTimeOffset RatedAt, DateOnly LocalDay, string Rating);

    private static readonly RowTable<ConversationFacts> Conversations = new(
        ConversationsTable,
        keyCount: 1,
        r => new ConversationFacts
        {
            ConversationId = r.Text(0), StoreId = r.Text(1), CustomerId = r.Text(2), OrderId = r.TextN(3), HumanMode = r.Bool(4),
            AgentId = r.TextN(5), StartedAt = r.Time(6), Inquiries = r.Int(7), Ratings = r.Int(8), FirstResolvedAt = r.TimeN(9),
            FirstResolvedDay = r.DayN(10), ResolvedAgentId = r.TextN(11), ReopenedAt = r.TimeN(12), SurveySentAt = r.TimeN(13),
            SurveyDay = r.DayN(14), SurveyAgentId = r.TextN(15), NpsScore = r.IntN(16), NpsAnsweredAt = r.TimeN(17), NpsDay = r.DayN(18),
            RepeatAt = r.TimeN(19), BrokenAt = r.TimeN(20), Priority = r.Text(21), StartedDay = r.DayN(22)!.Value, BotStarted = r.Bool(23),
            FirstHandedOffAt = r.TimeN(24), Category = r.TextN(25), IsComplaint = r.Bool(26), ComplaintAt = r.TimeN(27),
        },
        Col.Text<ConversationFacts>("conversation_id", c => c.ConversationId),
        Col.Text<ConversationFacts>("store_id", c => c.StoreId),
        Col.Text<ConversationFacts>("customer_id", c => c.CustomerId),
        Col.Text<ConversationFacts>("order_id", c => c.OrderId),
        Col.Bool<ConversationFacts>("human_mode", c => c.HumanMode),
        Col.Text<ConversationFacts>("agent_id", c => c.AgentId),
        Col.Time<ConversationFacts>("started_at", c => c.StartedAt),
        Col.Int<ConversationFacts>("inquiries", c => c.Inquiries),
        Col.Int<ConversationFacts>("ratings", c => c.Ratings),
        Col.Time<ConversationFacts>("first_resolved_at", c => c.FirstResolvedAt),
        Col.Day<ConversationFacts>("first_resolved_day", c => c.FirstResolvedDay),
        Col.Text<ConversationFacts>("resolved_agent_id", c => c.ResolvedAgentId),
        Col.Time<ConversationFacts>("reopened_at", c => c.ReopenedAt),
        Col.Time<ConversationFacts>("survey_sent_at", c => c.SurveySentAt),
        Col.Day<ConversationFacts>("survey_day", c => c.SurveyDay),
        Col.Text<ConversationFacts>("survey_agent_id", c => c.SurveyAgentId),
        Col.IntN<ConversationFacts>("nps_score", c => c.NpsScore),
        Col.Time<ConversationFacts>("nps_answered_at", c => c.NpsAnsweredAt),
        Col.Day<ConversationFacts>("nps_day", c => c.NpsDay),
        Col.Time<ConversationFacts>("repeat_at", c => c.RepeatAt),
        Col.Time<ConversationFacts>("broken_at", c => c.BrokenAt),
        Col.Text<ConversationFacts>("priority", c => c.Priority),
        Col.Day<ConversationFacts>("started_day", c => c.StartedDay),
        Col.Bool<ConversationFacts>("bot_started", c => c.BotStarted),
        Col.Time<ConversationFacts>("first_handed_off_at", c => c.FirstHandedOffAt),
        Col.Text<ConversationFacts>("category", c => c.Category),
        Col.Bool<ConversationFacts>("is_complaint", c => c.IsComplaint),
        Col.Time<ConversationFacts>("complaint_at", c => c.ComplaintAt));

    private static readonly RowTable<InquiryFacts> Inquiries = new(
        InquiriesTable,
        keyCount: 2,
        r => new InquiryFacts
        {
            ConversationId = r.Text(0), Seq = r.Int(1), StoreId = r.Text(2), AgentId = r.TextN(3), StartedAt = r.Time(4),
            LocalDay = r.DayN(5)!.Value, InServiceHours = r.Bool(6), FirstReplyAt = r.TimeN(7), WithdrawnAt = r.TimeN(8),
            ClosedAt = r.TimeN(9), Priority = r.Text(10),
        },
        Col.Text<InquiryFacts>("conversation_id", i => i.ConversationId),
        Col.Int<InquiryFacts>("seq", i => i.Seq),
        Col.Text<InquiryFacts>("store_id", i => i.StoreId),
        Col.Text<InquiryFacts>("agent_id", i => i.AgentId),
        Col.Time<InquiryFacts>("started_at", i => i.StartedAt),
        Col.Day<InquiryFacts>("local_day", i => i.LocalDay),
        Col.Bool<InquiryFacts>("in_service_hours", i => i.InServiceHours),
        Col.Time<InquiryFacts>("first_reply_at", i => i.FirstReplyAt),
        Col.Time<InquiryFacts>("withdrawn_at", i => i.WithdrawnAt),
        Col.Time<InquiryFacts>("closed_at", i => i.ClosedAt),
        Col.Text<InquiryFacts>("priority", i => i.Priority));

    private static readonly RowTable<RatingFacts> Ratings = new(
        RatingsTable,
        keyCount: 2,
        r => new RatingFacts(r.Text(0), r.Int(1), r.Text(2), r.TextN(3), r.Time(4), r.DayN(5)!.Value, r.Text(6)),
        Col.Text<RatingFacts>("conversation_id", x => x.ConversationId),
        Col.Int<RatingFacts>("seq", x => x.Seq),
        Col.Text<RatingFacts>("store_id", x => x.StoreId),
        Col.Text<RatingFacts>("agent_id", x => x.AgentId),
        Col.Time<RatingFacts>("rated_at", x => x.RatedAt),
        Col.Day<RatingFacts>("local_day", x => x.LocalDay),
        Col.Text<RatingFacts>("rating", x => x.Rating));
}
