using OrderLedger.Domain.Conversations;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

/// <summary>ClassifyConversation: category, complaint flag and tags (issue #16).</summary>
public class ConversationClassificationSpecs
{
    private static readonly Spec<ConversationCommand, ConversationEvent, ConversationState> Conversation = new(ConversationDecider.Decider);

    private static readonly ConversationStarted Started = new("cv-1", "s-1", "c-1", "wechat", "o-1", ConversationMode.Bot, T0);
    private static readonly ConversationResolved Resolved = new("cv-1", "agent-7", At(10));

    private static readonly ConversationClassified AsLateParcel =
        new("cv-1", ConversationCategory.Logistics, true, ["late", "SF Express"], null, null, null, At(2));

    private static ClassifyConversation Classify(ConversationCategory category, bool complaint, params string[] tags) =>
        new ClassifyConversation("cv-1", category, complaint, tags, At(5));

    [Fact]
    public void A_first_classification_records_the_category_the_complaint_flag_and_the_tags() =>
        Conversation.Given(Started).When(Classify(ConversationCategory.Logistics, true, "late", "SF Express") with { OccurredAt = At(2) }).Then(AsLateParcel);

    [Fact]
    public void Tags_are_recorded_trimmed() =>
        Conversation.Given(Started).When(Classify(ConversationCategory.Quality, false, "  scratched ", "ring"))
            .Then(new ConversationClassified("cv-1", ConversationCategory.Quality, false, ["scratched", "ring"], null, null, null, At(5)));

    [Fact]
    public void No_tags_is_a_classification_too() =>
        Conversation.Given(Started).When(Classify(ConversationCategory.ProductQuestion, false))
            .Then(new ConversationClassified("cv-1", ConversationCategory.ProductQuestion, false, [], null, null, null, At(5)));

    [Fact]
    public void Reclassifying_records_the_previous_values() =>
        Conversation.Given(Started, AsLateParcel).When(Classify(ConversationCategory.Refund, false, "late"))
            .Then(new ConversationClassified("cv-1", ConversationCategory.Refund, false, ["late"], ConversationCategory.Logistics, true, ["late", "SF Express"], At(5)));

    [Fact]
    public void The_same_classification_again_changes_nothing_whatever_the_order_and_case_of_its_tags() =>
        Conversation.Given(Started, AsLateParcel).When(Classify(ConversationCategory.Logistics, true, "sf express", "LATE")).ThenNothing();

    [Fact]
    public void Only_the_complaint_flag_changing_is_a_new_classification() =>
        Conversation.Given(Started, AsLateParcel).When(Classify(ConversationCategory.Logistics, false, "late", "SF Express"))
            .Then(new ConversationClassified(
                "cv-1", ConversationCategory.Logistics, false, ["late", "SF Express"], ConversationCategory.Logistics, true, ["late", "SF Express"], At(5)));

    [Fact]
    public void A_resolved_conversation_may_still_be_classified() =>
        Conversation.Given(Started, Resolved).When(Classify(ConversationCategory.Payment, true) with { OccurredAt = At(11) })
            .Then(new ConversationClassified("cv-1", ConversationCategory.Payment, true, [], null, null, null, At(11)));

    [Fact]
    public void A_conversation_never_started_cannot_be_classified() =>
        Conversation.When(Classify(ConversationCategory.Other, false)).ThenError("conversation.not-found");

    [Fact]
    public void An_undefined_category_is_refused() =>
        Assert.Equal("category", Conversation.Given(Started).When(Classify((ConversationCategory)42, false)).ThenError("classification.category-unknown").Field);

    [Fact]
    public void At_most_ten_tags() =>
        Assert.Equal("tags", Conversation.Given(Started)
            .When(Classify(ConversationCategory.Other, false, [.. Enumerable.Range(1, 11).Select(i => $"t{i}")])).ThenError("classification.too-many-tags").Field);

    [Fact]
    public void Ten_tags_are_fine() =>
        Conversation.Given(Started).When(Classify(ConversationCategory.Other, false, [.. Enumerable.Range(1, 10).Select(i => $"t{i}")]))
            .Then(new ConversationClassified("cv-1", ConversationCategory.Other, false, [.. Enumerable.Range(1, 10).Select(i => $"t{i}")], null, null, null, At(5)));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a-tag-of-thirty-three-characters!")]
    [InlineData("line\nbreak")]
    [InlineData("nul\0")]
    public void A_tag_is_1_to_32_characters_without_control_characters(string tag) =>
        Assert.Equal("tags[1]", Conversation.Given(Started).When(Classify(ConversationCategory.Other, false, "fine", tag)).ThenError("classification.tag-invalid").Field);

    [Fact]
    public void A_tag_of_32_characters_is_fine() =>
        Conversation.Given(Started).When(Classify(ConversationCategory.Other, false, new string('x', 32)))
            .Then(new ConversationClassified("cv-1", ConversationCategory.Other, false, [new string('x', 32)], null, null, null, At(5)));

    [Fact]
    public void Tags_that_differ_only_in_case_are_duplicates() =>
        Assert.Equal("tags[1]", Conversation.Given(Started).When(Classify(ConversationCategory.Other, false, "Late", "late ")).ThenError("classification.tag-duplicate").Field);
}
