namespace OrderLedger.Domain.Conversations;

/// <summary>What a conversation is about (issue #16); a closed list, so the figures per category stay comparable.</summary>
public enum ConversationCategory
{
    Logistics,
    Quality,
    Refund,
    ProductQuestion,
    Payment,
    Other,
}

/// <summary>
/// An agent or supervisor classifies the conversation: its category, whether it is a complaint, and free tags. Allowed
/// at any time after the start, also once it is resolved (the classification is often settled afterwards); a new
/// classification replaces the previous one, which the event keeps.
/// </summary>
public sealed record ClassifyConversation(
    string ConversationId, ConversationCategory Category, bool IsComplaint, IReadOnlyList<string> Tags, DateTimeOffset OccurredAt) : ConversationCommand(ConversationId);

/// <summary>A conversation's category, complaint flag and tags (tags trimmed, in the order given).</summary>
public sealed record ConversationClassification(ConversationCategory Category, bool IsComplaint, IReadOnlyList<string> Tags)
{
    /// <summary>Tags compare as a set, case and order aside, as their uniqueness rule does.</summary>
    public bool SameAs(ConversationClassification other) =>
        Category == other.Category && IsComplaint == other.IsComplaint
        && Tags.Count == other.Tags.Count && Tags.All(tag => other.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
}

/// <param name="PreviousCategory">The classification this one replaces (null, null and null: the first one).</param>
public sealed record ConversationClassified(
    string ConversationId,
    ConversationCategory Category,
    bool IsComplaint,
    IReadOnlyList<string> Tags,
    ConversationCategory? PreviousCategory,
    bool? PreviousIsComplaint,
    IReadOnlyList<string>? PreviousTags,
    DateTimeOffset OccurredAt) : ConversationEvent;

public static class ConversationClassifications
{
    public const int MaxTags = 10;

    public const int MaxTagLength = 32;

    public static Decision<ConversationEvent> Classify(ClassifyConversation c, ConversationClassification? current)
    {
        if (!Enum.IsDefined(c.Category))
        {
            return DomainError.Invalid("classification.category-unknown", $"A category is one of: {string.Join(", ", Enum.GetNames<ConversationCategory>())}.") with { Field = "category" };
        }

        if (TagFault(c.Tags) is { } fault)
        {
            return fault;
        }

        var classification = new ConversationClassification(c.Category, c.IsComplaint, [.. c.Tags.Select(tag => tag.Trim())]);
        if (current is not null && current.SameAs(classification))
        {
            return Decision<ConversationEvent>.Nothing;
        }

        return new ConversationClassified(
            c.ConversationId, classification.Category, classification.IsComplaint, classification.Tags, current?.Category, current?.IsComplaint, current?.Tags, c.OccurredAt);
    }

    private static DomainError? TagFault(IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags)
        {
            return Invalid("classification.too-many-tags", $"At most {MaxTags} tags.", "tags");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i].Trim();
            if (tag.Length is 0 or > MaxTagLength || tag.Any(char.IsControl))
            {
                return Invalid("classification.tag-invalid", $"A tag is 1 to {MaxTagLength} characters without control characters.", $"tags[{i}]");
            }

            if (!seen.Add(tag))
            {
                return Invalid("classification.tag-duplicate", $"The tag '{tag}' is given twice (tags differ by more than case).", $"tags[{i}]");
            }
        }

        return null;
    }

    private static DomainError Invalid(string rule, string message, string field) => DomainError.Invalid(rule, message) with { Field = field };
}
