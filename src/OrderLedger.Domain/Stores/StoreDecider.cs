using System.Text.RegularExpressions;
using OrderLedger.Domain.Conversations;

namespace OrderLedger.Domain.Stores;

/// <summary>Store registration and policies (stream <c>store-{storeId}</c>).</summary>
public static partial class StoreDecider
{
    public static Decider<StoreCommand, StoreEvent, StoreState> Decider { get; } = new(Decide, Evolve, StoreState.Initial, KeepsTimeOrder: false);

    public static Decision<StoreEvent> Decide(StoreCommand command, StoreState state) => (command, state) switch
    {
        (RegisterStore c, { Registered: false }) => Register(c),
        (RegisterStore c, { Registered: true }) when c.Name == state.Name && c.TimeZone == state.TimeZone && c.Currency == state.Currency =>
            Decision<StoreEvent>.Nothing,
        (RegisterStore, { Registered: true }) => DomainError.Conflict("store.already-registered", $"Store {state.StoreId} is already registered."),
        (_, { Registered: false }) => DomainError.Conflict("store.not-registered", "The store is not registered."),
        (SetAutoRefundWindow c, _) => SetAutoRefundWindow(c, state),
        (SetServiceHours c, _) => SetServiceHours(c, state),
        (SetSlaTargets c, _) => SetSlaTargets(c, state),
        (SetBotHandOff c, _) when c.Seconds is < StoreState.MinBotHandOffSeconds or > StoreState.MaxBotHandOffSeconds =>
            DomainError.Invalid("store.bot-hand-off-out-of-range", $"The bot hand-off threshold is {StoreState.MinBotHandOffSeconds} to {StoreState.MaxBotHandOffSeconds} seconds."),
        (SetBotHandOff c, _) => c.Seconds == state.BotHandOffSeconds ? Decision<StoreEvent>.Nothing : new StoreBotHandOffSet(c.StoreId, c.Seconds, c.OccurredAt),
        (SetProactiveCasePolicy c, _) => SetProactiveCasePolicy(c, state),
        (SetReturnAddress c, _) => SetReturnAddress(c, state),
        (SetWarehouses c, _) => SetWarehouses(c, state),
        (SetReturnPolicy c, _) => c.RefundRefusedDeliveries == state.RefundRefusedDeliveries && c.PayPassedReturns == state.PayPassedReturns
            ? Decision<StoreEvent>.Nothing
            : new StoreReturnPolicySet(c.StoreId, c.RefundRefusedDeliveries, c.PayPassedReturns, c.OccurredAt),
        (SetDepartment c, _) => SetDepartment(c, state),
        (ClaimReturnTracking c, _) => ClaimReturnTracking(c, state),
        (SetVipRule c, _) => SetVipRule(c, state),
        (SetCustomerMemberLevel c, _) when string.IsNullOrWhiteSpace(c.CustomerId) =>
            DomainError.Invalid("store.customer-required", "A member level is given to a customer: name the customer."),
        (SetCustomerMemberLevel c, _) when c.Level is not null && string.IsNullOrWhiteSpace(c.Level) =>
            DomainError.Invalid("store.member-level-blank", "A member level has a name (leave it out to clear the customer's level)."),
        (SetCustomerMemberLevel c, _) => state.MemberLevels.GetValueOrDefault(c.CustomerId) == c.Level
            ? Decision<StoreEvent>.Nothing
            : new StoreCustomerMemberLevelSet(c.StoreId, c.CustomerId, c.Level, c.OccurredAt),
        (SetPrioritySlaTargets c, _) when c.FirstReplySeconds <= 0 || c.ResolutionMinutes <= 0 || !Enum.IsDefined(c.Priority) =>
            DomainError.Invalid("store.sla-invalid", "SLA targets must be positive, for a known priority."),
        (SetPrioritySlaTargets c, _) => state.PrioritySla.GetValueOrDefault(c.Priority) == new PriorityTargets(c.FirstReplySeconds, c.ResolutionMinutes)
            ? Decision<StoreEvent>.Nothing
            : new StorePrioritySlaTargetsSet(c.StoreId, c.Priority, c.FirstReplySeconds, c.ResolutionMinutes, c.OccurredAt),
        (ScanReturn c, _) => FindReturn(c, state) is { } unknown ? unknown : Decision<StoreEvent>.Nothing,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown store command."),
    };

    public static StoreState Evolve(StoreState state, StoreEvent @event) => @event switch
    {
        StoreRegistered e => state with { Registered = true, StoreId = e.StoreId, Name = e.Name, TimeZone = e.TimeZone, Currency = e.Currency },
        StoreAutoRefundWindowSet e => state with { AutoRefundWindowHours = e.Hours },
        StoreAutoRefundBasisSet e => state with { AutoRefundCountsFrom = e.CountsFrom },
        StoreServiceHoursSet e => state with { ServiceOpens = e.Opens, ServiceCloses = e.Closes, TimeZone = e.TimeZone },
        StoreSlaTargetsSet e => state with { Sla = e.Targets },
        StoreBotHandOffSet e => state with { BotHandOffSeconds = e.Seconds },
        StoreProactiveCasePolicySet e => state with { ProactiveCases = new ProactiveCasePolicy(e.ShipWithinHours, e.NoScanHours, e.OnUnreservableLine) },
        StoreReturnAddressSet e => state with { ReturnAddresses = state.ReturnAddresses.With(e.Scope, e.Key, e.Address) },
        StoreWarehousesSet e => state with { Warehouses = [.. e.Warehouses] },
        StoreReturnPolicySet e => state with { RefundRefusedDeliveries = e.RefundRefusedDeliveries, PayPassedReturns = e.PayPassedReturns },
        StoreVipRuleSet e => state with { VipRule = new VipRule(e.MinPaidLast12Months, e.MemberLevels) },
        StoreCustomerMemberLevelSet e => state with
        {
            MemberLevels = e.Level is null ? state.MemberLevels.Remove(e.CustomerId) : state.MemberLevels.SetItem(e.CustomerId, e.Level),
        },
        StorePrioritySlaTargetsSet e => state with { PrioritySla = state.PrioritySla.SetItem(e.Priority, new PriorityTargets(e.FirstReplySeconds, e.ResolutionMinutes)) },
        StoreDepartmentSet e => state with { Departments = state.Departments.SetItem(e.Department, new(e.OwnerId, e.DirectorId)) },
        StoreReturnTrackingClaimed e => state with { ReturnTrackings = state.ReturnTrackings.SetItem(ReturnTrackingNumbers.Key(e.TrackingNumber), e.RefundId) },
        _ => state,
    };

    private static Decision<StoreEvent> Register(RegisterStore c)
    {
        if (string.IsNullOrWhiteSpace(c.Name))
        {
            return DomainError.Invalid("store.name-required", "A store needs a name.");
        }

        if (!IsIanaTimeZoneId(c.TimeZone))
        {
            return DomainError.Invalid("store.time-zone-invalid", $"'{c.TimeZone}' is not an IANA time zone id.");
        }

        if (!CurrencyCode().IsMatch(c.Currency))
        {
            return DomainError.Invalid("store.currency-invalid", $"'{c.Currency}' is not an ISO 4217 currency code.");
        }

        return new StoreRegistered(c.StoreId, c.Name, c.TimeZone, c.Currency, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetAutoRefundWindow(SetAutoRefundWindow c, StoreState state)
    {
        if (c.Hours is < 0 or > 24 * 90)
        {
            return DomainError.Invalid("store.auto-refund-window-invalid", "The auto-refund window is 0 (off) to 2160 hours.");
        }

        var events = new List<StoreEvent>();
        if (c.Hours != state.AutoRefundWindowHours)
        {
            events.Add(new StoreAutoRefundWindowSet(c.StoreId, c.Hours, c.OccurredAt));
        }

        if (c.CountsFrom is { } basis && basis != state.AutoRefundCountsFrom)
        {
            events.Add(new StoreAutoRefundBasisSet(c.StoreId, basis, c.OccurredAt));
        }

        return events.Count == 0 ? Decision<StoreEvent>.Nothing : events.ToArray();
    }

    /// <summary>
    /// Any opening and closing time is valid: closes before opens runs past midnight, opens = closes is round the clock
    /// (as the metrics' StoreCalendar reads them, docs/metrics.md).
    /// </summary>
    private static Decision<StoreEvent> SetServiceHours(SetServiceHours c, StoreState state)
    {
        if (!IsIanaTimeZoneId(c.TimeZone))
        {
            return DomainError.Invalid("store.time-zone-invalid", $"'{c.TimeZone}' is not an IANA time zone id.");
        }

        return c.Opens == state.ServiceOpens && c.Closes == state.ServiceCloses && c.TimeZone == state.TimeZone
            ? Decision<StoreEvent>.Nothing
            : new StoreServiceHoursSet(c.StoreId, c.Opens, c.Closes, c.TimeZone, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetSlaTargets(SetSlaTargets c, StoreState state)
    {
        if (c.Targets.FirstReplySeconds <= 0 || c.Targets.ResolutionHours <= 0 || c.Targets.NpsSurveyDelayDays < 0)
        {
            return DomainError.Invalid("store.sla-invalid", "SLA targets must be positive (the NPS delay may be 0).");
        }

        return c.Targets == state.Sla ? Decision<StoreEvent>.Nothing : new StoreSlaTargetsSet(c.StoreId, c.Targets, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetProactiveCasePolicy(SetProactiveCasePolicy c, StoreState state)
    {
        if (c.ShipWithinHours is < ProactiveCasePolicy.MinHours or > ProactiveCasePolicy.MaxHours
            || c.NoScanHours is < ProactiveCasePolicy.MinHours or > ProactiveCasePolicy.MaxHours)
        {
            return DomainError.Invalid(
                "store.proactive-hours-out-of-range", $"Proactive-case hours are {ProactiveCasePolicy.MinHours} to {ProactiveCasePolicy.MaxHours}.");
        }

        var policy = new ProactiveCasePolicy(c.ShipWithinHours, c.NoScanHours, c.OnUnreservableLine);
        return policy == state.ProactiveCases
            ? Decision<StoreEvent>.Nothing
            : new StoreProactiveCasePolicySet(c.StoreId, c.ShipWithinHours, c.NoScanHours, c.OnUnreservableLine, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetVipRule(SetVipRule c, StoreState state)
    {
        if (c.MinPaidLast12Months is <= 0)
        {
            return DomainError.Invalid("store.vip-rule-invalid", "The VIP amount is positive (leave it out when no amount makes a VIP).");
        }

        if (c.MemberLevels.Any(string.IsNullOrWhiteSpace) || c.MemberLevels.Distinct(StringComparer.Ordinal).Count() != c.MemberLevels.Count)
        {
            return DomainError.Invalid("store.vip-rule-invalid", "VIP member levels are named, each once.");
        }

        return c.MinPaidLast12Months == state.VipRule.MinPaidLast12Months && c.MemberLevels.SequenceEqual(state.VipRule.MemberLevels, StringComparer.Ordinal)
            ? Decision<StoreEvent>.Nothing
            : new StoreVipRuleSet(c.StoreId, c.MinPaidLast12Months, c.MemberLevels, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetReturnAddress(SetReturnAddress c, StoreState state)
    {
        if (c.Scope != ReturnAddressScope.Default && string.IsNullOrWhiteSpace(c.Key))
        {
            return DomainError.Invalid("store.return-address-key-required", $"A {c.Scope.ToString().ToLowerInvariant()} return address needs the {c.Scope.ToString().ToLowerInvariant()} it applies to.");
        }

        if (c.Scope == ReturnAddressScope.Default && c.Key is not null)
        {
            return DomainError.Invalid("store.return-address-key-unexpected", "The default return address applies to no product or category.");
        }

        if (!c.Address.IsComplete)
        {
            return DomainError.Invalid("store.return-address-incomplete", "A return address needs a name, street, city, region and country.");
        }

        var current = c.Scope switch
        {
            ReturnAddressScope.Product => state.ReturnAddresses.ByProduct.GetValueOrDefault(c.Key!),
            ReturnAddressScope.Category => state.ReturnAddresses.ByCategory.GetValueOrDefault(c.Key!),
            _ => state.ReturnAddresses.Default,
        };
        return current == c.Address ? Decision<StoreEvent>.Nothing : new StoreReturnAddressSet(c.StoreId, c.Scope, c.Key, c.Address, c.OccurredAt);
    }

    private static Decision<StoreEvent> SetDepartment(SetDepartment c, StoreState state)
    {
        if (string.IsNullOrWhiteSpace(c.Department) || c.Department.Length > StoreState.MaxDepartmentLength || c.Department.Trim() != c.Department)
        {
            return DomainError.Invalid("store.department-invalid", $"A department is named in 1 to {StoreState.MaxDepartmentLength} characters, without surrounding spaces.");
        }

        if (string.IsNullOrWhiteSpace(c.OwnerId) || string.IsNullOrWhiteSpace(c.DirectorId))
        {
            return DomainError.Invalid("store.department-incomplete", "A department names its owner and its director.");
        }

        return state.Departments.GetValueOrDefault(c.Department) == new WorkOrders.DepartmentStaff(c.OwnerId, c.DirectorId)
            ? Decision<StoreEvent>.Nothing
            : new StoreDepartmentSet(c.StoreId, c.Department, c.OwnerId, c.DirectorId, c.OccurredAt);
    }

    /// <summary>A return tracking number names one refund of the store: the same refund again changes nothing, another is refused.</summary>
    private static Decision<StoreEvent> ClaimReturnTracking(ClaimReturnTracking c, StoreState state)
    {
        if (string.IsNullOrWhiteSpace(c.TrackingNumber))
        {
            return DomainError.Invalid("refund.tracking-required", "A return parcel needs its tracking number.");
        }

        return state.RefundOfReturn(c.TrackingNumber) switch
        {
            null => new StoreReturnTrackingClaimed(c.StoreId, c.TrackingNumber.Trim(), c.RefundId, c.OccurredAt),
            var owner when owner == c.RefundId => Decision<StoreEvent>.Nothing,
            var owner => DomainError.Conflict("store.return-tracking-taken", $"Tracking number {c.TrackingNumber.Trim()} is already the return parcel of refund {owner} in this store."),
        };
    }

    /// <summary>
    /// Null when the scanned tracking number is a return parcel of the store (the scan then records the receipt on its
    /// refund); else <c>store.return-tracking-unknown</c>. The scan itself records nothing on the store.
    /// </summary>
    public static DomainError? FindReturn(ScanReturn c, StoreState state) =>
        string.IsNullOrWhiteSpace(c.TrackingNumber) ? DomainError.Invalid("refund.tracking-required", "A return parcel needs its tracking number.")
        : state.RefundOfReturn(c.TrackingNumber) is null
            ? DomainError.Conflict("store.return-tracking-unknown", $"No return parcel of this store has tracking number {c.TrackingNumber.Trim()}.")
            : null;

    private static Decision<StoreEvent> SetWarehouses(SetWarehouses c, StoreState state)
    {
        if (c.Warehouses.Count == 0)
        {
            return DomainError.Invalid("store.warehouses-required", "A store ships from at least one warehouse.");
        }

        if (c.Warehouses.Any(w => string.IsNullOrWhiteSpace(w.WarehouseId) || w.WarehouseId.Contains('.', StringComparison.Ordinal)))
        {
            return DomainError.Invalid("store.warehouse-id-invalid", "Warehouse ids are non-empty and contain no '.' (stock streams are stock-{warehouse}.{sku}).");
        }

        if (c.Warehouses.Select(w => w.WarehouseId).Distinct(StringComparer.Ordinal).Count() != c.Warehouses.Count)
        {
            return DomainError.Invalid("store.warehouse-duplicate", "Each warehouse is listed once.");
        }

        var same = state.Warehouses.Count == c.Warehouses.Count
            && state.Warehouses.Zip(c.Warehouses).All(p => p.First.WarehouseId == p.Second.WarehouseId && p.First.Regions.SequenceEqual(p.Second.Regions));
        return same ? Decision<StoreEvent>.Nothing : new StoreWarehousesSet(c.StoreId, c.Warehouses, c.OccurredAt);
    }

    /// <summary>
    /// A syntactic check only (no tz database lookup: deciders do no I/O): "UTC", or Area/Location[/Sub] made of
    /// letters, digits, '_', '-' and '+'. The application checks the id exists before sending the command.
    /// </summary>
    public static bool IsIanaTimeZoneId(string? id) => id is not null && (id == "UTC" || IanaId().IsMatch(id));

    [GeneratedRegex("^[A-Z][A-Za-z_+-]*(/[A-Za-z0-9_+-]+){1,2}$")]
    private static partial Regex IanaId();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
