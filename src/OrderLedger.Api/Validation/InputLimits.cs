namespace OrderLedger.Api.Validation;

/// <summary>
/// Every limit the API puts on input, by JSON field name (docs/security.md, "Input limits", is this table in prose).
/// A field name not listed here is single-line text of at most <see cref="DefaultTextLength"/> characters; every
/// number must be listed (a test walks every command body to prove it); decimals are money.
/// </summary>
public static class InputLimits
{
    public const int DefaultTextLength = 200;
    public const int IdLength = 100;
    public const int DefaultListLength = 1_000;

    /// <summary>Money is at most this many currency units (and at most the currency's minor-unit digits after the point).</summary>
    public const decimal MaxMoney = 1_000_000_000m;

    public static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LatestTime = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <param name="MaxLength">Characters (UTF-16 code units).</param>
    /// <param name="Multiline">Prose may hold newlines and tabs; ids and names hold no control character at all.</param>
    public sealed record TextLimit(int MaxLength, bool Multiline = false);

    public sealed record NumberLimit(long Min, long Max);

    private static readonly TextLimit Id = new(IdLength);

    public static readonly IReadOnlyDictionary<string, TextLimit> Text = new Dictionary<string, TextLimit>(StringComparer.Ordinal)
    {
        // ids: route values, references to other aggregates, people named by a command
        ["commandId"] = new(200), ["storeId"] = Id, ["orderId"] = Id, ["customerId"] = Id, ["conversationId"] = Id, ["refundId"] = Id,
        ["shipmentId"] = Id, ["warehouseId"] = Id, ["sku"] = Id, ["messageId"] = Id, ["agentId"] = Id, ["pickerId"] = Id, ["packerId"] = Id,
        ["inspectorId"] = Id, ["writtenBy"] = Id, ["approvedBy"] = Id, ["rejectedBy"] = Id, ["openedBy"] = Id, ["judgedBy"] = Id, ["resolvedBy"] = Id,
        ["key"] = Id, ["refundIds"] = Id, ["barcode"] = Id, ["scannedBarcodes"] = Id, ["unresolvedAboutSameOrder"] = Id, ["regions"] = Id,
        // a store's member levels (the VIP rule's list and one customer's level)
        ["level"] = Id, ["memberLevels"] = Id,
        ["ticketId"] = Id, ["ownerId"] = Id, ["directorId"] = Id, ["department"] = new(Domain.Stores.StoreState.MaxDepartmentLength),
        ["streamId"] = new(500), ["streamPrefix"] = new(500), ["typePrefix"] = new(500), ["cursor"] = new(500),
        // who brought the buyer (an order's attribution), as the domain limits them
        ["sharerId"] = new(Domain.Orders.OrderAttribution.MaxIdLength), ["promoterId"] = new(Domain.Orders.OrderAttribution.MaxIdLength),
        ["sharerType"] = new(Domain.Orders.OrderAttribution.MaxTypeLength),
        // names and codes
        ["name"] = new(200), ["channel"] = new(50), ["currency"] = new(10), ["timeZone"] = new(64), ["category"] = new(100),
        ["carrier"] = new(100), ["trackingNumber"] = new(100), ["scannedTrackingNumber"] = new(100), ["paymentReference"] = new(200),
        ["status"] = new(100), ["location"] = new(200),
        // the agents' search box (GET /api/customers?q=): a name, phone, customer id, order id or tracking number
        ["q"] = new(100),
        // postal addresses
        ["line1"] = new(200), ["line2"] = new(200), ["city"] = new(100), ["postalCode"] = new(20), ["region"] = new(100),
        ["country"] = new(100), ["phone"] = new(40),
        // prose
        ["text"] = new(10_000, Multiline: true), ["reason"] = new(1_000, Multiline: true), ["note"] = new(2_000, Multiline: true),
        ["resolution"] = new(4_000, Multiline: true), ["compensation"] = new(1_000, Multiline: true), ["improvement"] = new(4_000, Multiline: true),
        // a conversation's tags (the domain's own limit)
        ["tags"] = new(Domain.Conversations.ConversationClassifications.MaxTagLength),
        // a work order's (the domain's own limits)
        ["summary"] = new(Domain.WorkOrders.WorkOrderDecider.MaxSummaryLength, Multiline: true), ["plan"] = new(Domain.WorkOrders.WorkOrderDecider.MaxPlanLength, Multiline: true),
    };

    /// <summary>
    /// Whole numbers. Lower bounds are 0 where the domain has its own rule for zero (a zero quantity, weight or target
    /// is a 422 naming that rule); nothing is ever negative.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, NumberLimit> Numbers = new Dictionary<string, NumberLimit>(StringComparer.Ordinal)
    {
        ["quantity"] = new(0, 1_000_000),
        ["countedOnHand"] = new(0, 1_000_000_000),
        ["weightGrams"] = new(0, 1_000_000),
        ["hours"] = new(0, 24 * 90),
        ["firstReplySeconds"] = new(0, 7 * 86_400),
        ["resolutionHours"] = new(0, 365 * 24),
        ["npsSurveyDelayDays"] = new(0, 365),
        ["seconds"] = new(0, 86_400),
        ["shipWithinHours"] = new(0, Domain.Stores.ProactiveCasePolicy.MaxHours), ["noScanHours"] = new(0, Domain.Stores.ProactiveCasePolicy.MaxHours),
        ["resolutionMinutes"] = new(0, 365 * 24 * 60),
        ["score"] = new(0, 10),
        ["capacity"] = new(0, Domain.Roster.RosterDecider.MaxCapacity),
    };

    /// <summary>Money fields: from 0 to <see cref="MaxMoney"/>.</summary>
    public static readonly IReadOnlySet<string> Money = new HashSet<string>(StringComparer.Ordinal) { "amount", "unitPrice", "minPaidLast12Months" };

    public static readonly IReadOnlyDictionary<string, int> ListLengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["lines"] = 100, ["warehouses"] = 50, ["regions"] = 200, ["unresolvedAboutSameOrder"] = 100, ["scannedBarcodes"] = 10_000, ["memberLevels"] = 50,
        ["refundIds"] = Commands.ReturnCommands.MaxBulkApprovals, ["tags"] = Domain.Conversations.ConversationClassifications.MaxTags,
    };

    /// <summary>ISO 4217 minor units where they are not 2; a currency this table does not know gets 2.</summary>
    private static readonly IReadOnlyDictionary<string, int> MinorUnitExceptions = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3, ["CLF"] = 4, ["UYW"] = 4,
    };

    /// <summary>The digits after the point the currency allows; without a currency in the body, the most any currency allows.</summary>
    public static int MinorUnits(string? currency) =>
        currency is null ? 4 : MinorUnitExceptions.GetValueOrDefault(currency, 2);

    /// <summary>A whole number not listed in <see cref="Numbers"/> (a test keeps the list complete) is held to this.</summary>
    public static readonly NumberLimit DefaultNumber = new(0, 1_000_000);

    public static NumberLimit NumberOf(string field) => Numbers.GetValueOrDefault(field) ?? DefaultNumber;

    public static TextLimit TextOf(string field) => Text.GetValueOrDefault(field) ?? new TextLimit(DefaultTextLength);
}
