using OrderLedger.Domain.Conversations;
using OrderLedger.Domain.Stores;
using static OrderLedger.Domain.Tests.Specs.Samples;

namespace OrderLedger.Domain.Tests.Specs;

public class StoreSpecs
{
    private static readonly Spec<StoreCommand, StoreEvent, StoreState> Store = new(StoreDecider.Decider);

    private static readonly StoreRegistered Registered = new("s-1", "Tea House", "Asia/Shanghai", "CNY", T0);

    // ---- RegisterStore -----------------------------------------------------------------------------------

    [Fact]
    public void A_store_is_registered_with_its_time_zone_and_currency() =>
        Store.When(new RegisterStore("s-1", "Tea House", "Asia/Shanghai", "CNY", T0)).Then(Registered);

    [Fact]
    public void Registering_again_with_the_same_details_changes_nothing() =>
        Store.Given(Registered).When(new RegisterStore("s-1", "Tea House", "Asia/Shanghai", "CNY", At(1))).ThenNothing();

    [Fact]
    public void A_store_id_is_registered_once() =>
        Store.Given(Registered).When(new RegisterStore("s-1", "Other", "Asia/Shanghai", "CNY", At(1))).ThenError("store.already-registered");

    [Theory]
    [InlineData("China Standard Time")]
    [InlineData("+08:00")]
    [InlineData("")]
    public void The_time_zone_is_an_iana_id(string zone) =>
        Store.When(new RegisterStore("s-1", "Tea House", zone, "CNY", T0)).ThenError("store.time-zone-invalid");

    [Theory]
    [InlineData("UTC")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Etc/GMT-8")]
    public void Iana_ids_are_accepted(string zone) => Assert.True(StoreDecider.IsIanaTimeZoneId(zone));

    [Fact]
    public void The_currency_is_an_iso_code() =>
        Store.When(new RegisterStore("s-1", "Tea House", "Asia/Shanghai", "rmb", T0)).ThenError("store.currency-invalid");

    [Fact]
    public void A_store_needs_a_name() =>
        Store.When(new RegisterStore("s-1", " ", "Asia/Shanghai", "CNY", T0)).ThenError("store.name-required");

    [Fact]
    public void Policies_need_a_registered_store() =>
        Store.When(new SetAutoRefundWindow("s-1", 24, T0)).ThenError("store.not-registered");

    // ---- SetAutoRefundWindow -----------------------------------------------------------------------------

    [Fact]
    public void The_auto_refund_window_is_set_in_hours() =>
        Store.Given(Registered).When(new SetAutoRefundWindow("s-1", 24, At(1))).Then(new StoreAutoRefundWindowSet("s-1", 24, At(1)));

    [Fact]
    public void Setting_the_same_window_changes_nothing() =>
        Store.Given(Registered, new StoreAutoRefundWindowSet("s-1", 24, At(1))).When(new SetAutoRefundWindow("s-1", 24, At(2))).ThenNothing();

    [Fact]
    public void The_window_is_between_0_and_90_days() =>
        Store.Given(Registered).When(new SetAutoRefundWindow("s-1", -1, At(1))).ThenError("store.auto-refund-window-invalid");

    [Fact]
    public void The_window_counts_from_placement_until_the_store_chooses_payment() =>
        Store.Given(Registered, new StoreAutoRefundWindowSet("s-1", 24, At(1))).When(new SetAutoRefundWindow("s-1", 24, At(2)) { CountsFrom = AutoRefundBasis.Payment })
            .Then(new StoreAutoRefundBasisSet("s-1", AutoRefundBasis.Payment, At(2)));

    [Fact]
    public void Setting_the_hours_and_where_they_count_from_records_both() =>
        Store.Given(Registered).When(new SetAutoRefundWindow("s-1", 24, At(1)) { CountsFrom = AutoRefundBasis.Payment })
            .Then(new StoreAutoRefundWindowSet("s-1", 24, At(1)), new StoreAutoRefundBasisSet("s-1", AutoRefundBasis.Payment, At(1)));

    [Fact]
    public void Choosing_placement_again_by_default_changes_nothing() =>
        Store.Given(Registered, new StoreAutoRefundWindowSet("s-1", 24, At(1))).When(new SetAutoRefundWindow("s-1", 24, At(2)) { CountsFrom = AutoRefundBasis.Placement })
            .ThenNothing();

    // ---- SetServiceHours ---------------------------------------------------------------------------------

    [Fact]
    public void Service_hours_are_set_in_the_store_time_zone() =>
        Store.Given(Registered).When(new SetServiceHours("s-1", new TimeOnly(9, 0), new TimeOnly(21, 0), "Asia/Shanghai", At(1)))
            .Then(new StoreServiceHoursSet("s-1", new TimeOnly(9, 0), new TimeOnly(21, 0), "Asia/Shanghai", At(1)));

    [Fact]
    public void Service_hours_default_to_8_to_23()
    {
        var state = Store.Given(Registered).State;
        Assert.Equal((new TimeOnly(8, 0), new TimeOnly(23, 0)), (state.ServiceOpens, state.ServiceCloses));
    }

    // Closing before opening used to be refused (store.service-hours-invalid), while the metrics' calendar and
    // docs/metrics.md read it as hours past midnight, and opens = closes as round the clock.
    [Fact]
    public void Service_hours_may_run_past_midnight() =>
        Store.Given(Registered).When(new SetServiceHours("s-1", new TimeOnly(21, 0), new TimeOnly(9, 0), "Asia/Shanghai", At(1)))
            .Then(new StoreServiceHoursSet("s-1", new TimeOnly(21, 0), new TimeOnly(9, 0), "Asia/Shanghai", At(1)));

    [Fact]
    public void Service_hours_opening_and_closing_at_the_same_time_are_round_the_clock() =>
        Store.Given(Registered).When(new SetServiceHours("s-1", TimeOnly.MinValue, TimeOnly.MinValue, "Asia/Shanghai", At(1)))
            .Then(new StoreServiceHoursSet("s-1", TimeOnly.MinValue, TimeOnly.MinValue, "Asia/Shanghai", At(1)));

    [Fact]
    public void Service_hours_name_an_iana_time_zone() =>
        Store.Given(Registered).When(new SetServiceHours("s-1", new TimeOnly(9, 0), new TimeOnly(21, 0), "CST", At(1)))
            .ThenError("store.time-zone-invalid");

    // ---- SetSlaTargets -----------------------------------------------------------------------------------

    [Fact]
    public void Sla_targets_are_set() =>
        Store.Given(Registered).When(new SetSlaTargets("s-1", new SlaTargets(120, 12, 7), At(1)))
            .Then(new StoreSlaTargetsSet("s-1", new SlaTargets(120, 12, 7), At(1)));

    [Fact]
    public void Sla_targets_are_positive() =>
        Store.Given(Registered).When(new SetSlaTargets("s-1", new SlaTargets(0, 12, 7), At(1))).ThenError("store.sla-invalid");

    [Fact]
    public void The_default_sla_targets_change_nothing() =>
        Store.Given(Registered).When(new SetSlaTargets("s-1", SlaTargets.Default, At(1))).ThenNothing();

    // ---- SetBotHandOff ------------------------------------------------------------------------------------

    [Fact]
    public void The_bot_hand_off_threshold_is_set() =>
        Store.Given(Registered).When(new SetBotHandOff("s-1", 60, At(1))).Then(new StoreBotHandOffSet("s-1", 60, At(1)));

    [Fact]
    public void The_default_threshold_of_two_minutes_changes_nothing() =>
        Store.Given(Registered).When(new SetBotHandOff("s-1", StoreState.DefaultBotHandOffSeconds, At(1))).ThenNothing();

    [Theory]
    [InlineData(StoreState.MinBotHandOffSeconds - 1)]
    [InlineData(StoreState.MaxBotHandOffSeconds + 1)]
    public void The_threshold_is_ten_seconds_to_an_hour(int seconds) =>
        Store.Given(Registered).When(new SetBotHandOff("s-1", seconds, At(1))).ThenError("store.bot-hand-off-out-of-range");

    // ---- SetVipRule, SetCustomerMemberLevel, SetPrioritySlaTargets ----------------------------------------

    [Fact]
    public void The_vip_rule_is_set() =>
        Store.Given(Registered).When(new SetVipRule("s-1", 10_000m, ["gold", "platinum"], At(1)))
            .Then(new StoreVipRuleSet("s-1", 10_000m, ["gold", "platinum"], At(1)));

    [Fact]
    public void The_same_vip_rule_again_changes_nothing() =>
        Store.Given(Registered, new StoreVipRuleSet("s-1", null, ["gold"], At(1))).When(new SetVipRule("s-1", null, ["gold"], At(2))).ThenNothing();

    [Fact]
    public void The_empty_vip_rule_is_the_default() =>
        Store.Given(Registered).When(new SetVipRule("s-1", null, [], At(1))).ThenNothing();

    [Theory]
    [InlineData(0, "gold")]
    [InlineData(-5, "gold")]
    [InlineData(100, " ")]
    public void A_vip_amount_is_positive_and_levels_are_named(int amount, string level) =>
        Store.Given(Registered).When(new SetVipRule("s-1", amount, [level], At(1))).ThenError("store.vip-rule-invalid");

    [Fact]
    public void A_vip_level_is_listed_once() =>
        Store.Given(Registered).When(new SetVipRule("s-1", null, ["gold", "gold"], At(1))).ThenError("store.vip-rule-invalid");

    [Fact]
    public void A_customer_gets_a_member_level() =>
        Store.Given(Registered).When(new SetCustomerMemberLevel("s-1", "c-1", "gold", At(1)))
            .Then(new StoreCustomerMemberLevelSet("s-1", "c-1", "gold", At(1)));

    [Fact]
    public void The_same_member_level_again_changes_nothing() =>
        Store.Given(Registered, new StoreCustomerMemberLevelSet("s-1", "c-1", "gold", At(1)))
            .When(new SetCustomerMemberLevel("s-1", "c-1", "gold", At(2))).ThenNothing();

    [Fact]
    public void A_member_level_is_cleared_with_none() =>
        Store.Given(Registered, new StoreCustomerMemberLevelSet("s-1", "c-1", "gold", At(1)))
            .When(new SetCustomerMemberLevel("s-1", "c-1", null, At(2))).Then(new StoreCustomerMemberLevelSet("s-1", "c-1", null, At(2)));

    [Fact]
    public void A_member_level_names_its_customer() =>
        Store.Given(Registered).When(new SetCustomerMemberLevel("s-1", " ", "gold", At(1))).ThenError("store.customer-required");

    [Fact]
    public void A_member_level_is_not_blank() =>
        Store.Given(Registered).When(new SetCustomerMemberLevel("s-1", "c-1", "", At(1))).ThenError("store.member-level-blank");

    [Fact]
    public void A_prioritys_targets_are_set() =>
        Store.Given(Registered).When(new SetPrioritySlaTargets("s-1", ConversationPriority.Urgent, 120, 240, At(1)))
            .Then(new StorePrioritySlaTargetsSet("s-1", ConversationPriority.Urgent, 120, 240, At(1)));

    [Fact]
    public void The_same_priority_targets_again_change_nothing() =>
        Store.Given(Registered, new StorePrioritySlaTargetsSet("s-1", ConversationPriority.Vip, 30, 20, At(1)))
            .When(new SetPrioritySlaTargets("s-1", ConversationPriority.Vip, 30, 20, At(2))).ThenNothing();

    [Theory]
    [InlineData(0, 30)]
    [InlineData(60, 0)]
    public void Priority_targets_are_positive(int firstReplySeconds, int resolutionMinutes) =>
        Store.Given(Registered).When(new SetPrioritySlaTargets("s-1", ConversationPriority.Vip, firstReplySeconds, resolutionMinutes, At(1))).ThenError("store.sla-invalid");

    [Fact]
    public void Vip_targets_default_to_one_minute_and_thirty_minutes_and_the_others_follow_the_ordinary_targets()
    {
        var state = StoreDecider.Decider.Fold([Registered, new StoreSlaTargetsSet("s-1", new SlaTargets(120, 8, 7), At(1))]);
        Assert.Equal(new PriorityTargets(60, 30), state.SlaFor(ConversationPriority.Vip));
        Assert.Equal(new PriorityTargets(120, 480), state.SlaFor(ConversationPriority.Urgent));
        Assert.Equal(new PriorityTargets(120, 480), state.SlaFor(ConversationPriority.Normal));
        var vipSet = StoreDecider.Decider.Fold([Registered, new StorePrioritySlaTargetsSet("s-1", ConversationPriority.Vip, 45, 20, At(1))]);
        Assert.Equal(new PriorityTargets(45, 20), vipSet.SlaFor(ConversationPriority.Vip));
    }
    // ---- SetDepartment (who answers a department's work orders) ------------------------------------------

    [Fact]
    public void A_department_is_set_with_its_owner_and_director() =>
        Store.Given(Registered).When(new SetDepartment("s-1", "logistics", "lee", "wang", At(1)))
            .Then(new StoreDepartmentSet("s-1", "logistics", "lee", "wang", At(1)));

    [Fact]
    public void Setting_a_department_again_with_the_same_people_changes_nothing() =>
        Store.Given(Registered, new StoreDepartmentSet("s-1", "logistics", "lee", "wang", At(1)))
            .When(new SetDepartment("s-1", "logistics", "lee", "wang", At(2))).ThenNothing();

    [Fact]
    public void A_new_owner_replaces_the_old_one() =>
        Assert.Equal(
            new Domain.WorkOrders.DepartmentStaff("chen", "wang"),
            Store.Given(Registered, new StoreDepartmentSet("s-1", "logistics", "lee", "wang", At(1)), new StoreDepartmentSet("s-1", "logistics", "chen", "wang", At(2)))
                .State.Departments["logistics"]);

    [Theory]
    [InlineData("")]
    [InlineData(" logistics")]
    [InlineData("a-department-name-that-goes-on-and-on-well-past-sixty-four-characters")]
    public void A_department_has_a_short_name_without_surrounding_spaces(string department) =>
        Store.Given(Registered).When(new SetDepartment("s-1", department, "lee", "wang", At(1))).ThenError("store.department-invalid");

    [Theory]
    [InlineData("", "wang")]
    [InlineData("lee", " ")]
    public void A_department_names_its_owner_and_director(string owner, string director) =>
        Store.Given(Registered).When(new SetDepartment("s-1", "logistics", owner, director, At(1))).ThenError("store.department-incomplete");

    [Fact]
    public void Only_a_registered_store_has_departments() =>
        Store.When(new SetDepartment("s-1", "logistics", "lee", "wang", At(1))).ThenError("store.not-registered");

    // ---- SetReturnAddress --------------------------------------------------------------------------------

    [Fact]
    public void A_return_address_is_set_per_category() =>
        Store.Given(Registered).When(new SetReturnAddress("s-1", ReturnAddressScope.Category, "shoes", ShoeReturns, At(1)))
            .Then(new StoreReturnAddressSet("s-1", ReturnAddressScope.Category, "shoes", ShoeReturns, At(1)));

    [Fact]
    public void A_product_or_category_address_names_its_product_or_category() =>
        Store.Given(Registered).When(new SetReturnAddress("s-1", ReturnAddressScope.Product, null, ShoeReturns, At(1)))
            .ThenError("store.return-address-key-required");

    [Fact]
    public void The_default_address_names_no_key() =>
        Store.Given(Registered).When(new SetReturnAddress("s-1", ReturnAddressScope.Default, "x", ShoeReturns, At(1)))
            .ThenError("store.return-address-key-unexpected");

    [Fact]
    public void A_return_address_must_be_complete() =>
        Store.Given(Registered).When(new SetReturnAddress("s-1", ReturnAddressScope.Default, null, ReturnsCenter with { Country = "" }, At(1)))
            .ThenError("store.return-address-incomplete");

    [Fact]
    public void Return_addresses_resolve_product_then_category_then_default()
    {
        var policy = Store.Given(
            Registered,
            new StoreReturnAddressSet("s-1", ReturnAddressScope.Default, null, ReturnsCenter, At(1)),
            new StoreReturnAddressSet("s-1", ReturnAddressScope.Category, "shoes", ShoeReturns, At(2)),
            new StoreReturnAddressSet("s-1", ReturnAddressScope.Product, "BOOT-01", Shanghai, At(3))).State.ReturnAddresses;

        Assert.Equal(Shanghai, policy.Resolve("BOOT-01", "shoes"));
        Assert.Equal(ShoeReturns, policy.Resolve("SANDAL-01", "shoes"));
        Assert.Equal(ReturnsCenter, policy.Resolve("TEA-01", "grocery"));
        Assert.Equal(ReturnsCenter, policy.Resolve("TEA-01", null));
    }

    // ---- SetWarehouses -----------------------------------------------------------------------------------

    [Fact]
    public void Warehouses_are_mapped_to_shipping_regions() =>
        Store.Given(Registered).When(new SetWarehouses("s-1", [new("WH-SH", ["SH", "JS"]), new("WH-BJ", ["BJ"])], At(1)))
            .Then(new StoreWarehousesSet("s-1", [new("WH-SH", ["SH", "JS"]), new("WH-BJ", ["BJ"])], At(1)));

    [Fact]
    public void Setting_the_same_warehouses_changes_nothing() =>
        Store.Given(Registered, new StoreWarehousesSet("s-1", [new("WH-SH", ["SH"])], At(1)))
            .When(new SetWarehouses("s-1", [new("WH-SH", ["SH"])], At(2))).ThenNothing();

    [Fact]
    public void A_warehouse_is_listed_once() =>
        Store.Given(Registered).When(new SetWarehouses("s-1", [new("WH-SH", ["SH"]), new("WH-SH", ["BJ"])], At(1))).ThenError("store.warehouse-duplicate");

    [Fact]
    public void Warehouse_ids_contain_no_dot() =>
        Store.Given(Registered).When(new SetWarehouses("s-1", [new("WH.SH", ["SH"])], At(1))).ThenError("store.warehouse-id-invalid");

    [Fact]
    public void A_store_ships_from_at_least_one_warehouse() =>
        Store.Given(Registered).When(new SetWarehouses("s-1", [], At(1))).ThenError("store.warehouses-required");

    // ---- Warehouse ownership -----------------------------------------------------------------------------

    private static readonly Spec<ClaimWarehouse, WarehouseEvent, WarehouseState> Warehouse = new(WarehouseDecider.Decider);

    [Fact]
    public void The_first_store_to_name_a_warehouse_claims_it() =>
        Warehouse.When(new ClaimWarehouse("wh-1", "s-1", T0)).Then(new WarehouseClaimed("wh-1", "s-1", T0));

    [Fact]
    public void Claiming_its_own_warehouse_again_changes_nothing() =>
        Warehouse.Given(new WarehouseClaimed("wh-1", "s-1", T0)).When(new ClaimWarehouse("wh-1", "s-1", At(1))).ThenNothing();

    [Fact]
    public void A_warehouse_of_another_store_is_taken() =>
        Warehouse.Given(new WarehouseClaimed("wh-1", "s-1", T0)).When(new ClaimWarehouse("wh-1", "s-2", At(1))).ThenError(WarehouseDecider.TakenRule);

    // ---- SetReturnPolicy ---------------------------------------------------------------------------------

    [Fact]
    public void By_default_refused_parcels_are_refunded_by_rule_and_passed_returns_wait_for_an_agent() =>
        Assert.Equal((true, false), (Store.Given(Registered).State.RefundRefusedDeliveries, Store.Given(Registered).State.PayPassedReturns));

    [Fact]
    public void A_store_sets_its_return_policy() =>
        Store.Given(Registered).When(new SetReturnPolicy("s-1", false, true, At(1))).Then(new StoreReturnPolicySet("s-1", false, true, At(1)));

    [Fact]
    public void The_same_return_policy_again_changes_nothing() =>
        Store.Given(Registered).When(new SetReturnPolicy("s-1", true, false, At(1))).ThenNothing();

    // ---- ClaimReturnTracking and ScanReturn --------------------------------------------------------------

    private static readonly StoreReturnTrackingClaimed Claimed = new("s-1", "YT777", "r-1", At(2));

    [Fact]
    public void A_return_tracking_number_is_claimed_for_its_refund() =>
        Store.Given(Registered).When(new ClaimReturnTracking("s-1", " YT777 ", "r-1", At(2))).Then(Claimed);

    [Fact]
    public void The_same_refund_claiming_its_tracking_number_again_changes_nothing() =>
        Store.Given(Registered, Claimed).When(new ClaimReturnTracking("s-1", "yt777", "r-1", At(3))).ThenNothing();

    [Fact]
    public void A_tracking_number_of_another_refund_is_refused() =>
        Store.Given(Registered, Claimed).When(new ClaimReturnTracking("s-1", "yt777", "r-2", At(3))).ThenError("store.return-tracking-taken");

    [Fact]
    public void A_blank_tracking_number_is_refused() =>
        Store.Given(Registered).When(new ClaimReturnTracking("s-1", " ", "r-1", At(3))).ThenError("refund.tracking-required");

    [Fact]
    public void A_scanned_return_parcel_is_found_by_its_tracking_number_and_records_nothing_on_the_store()
    {
        Store.Given(Registered, Claimed).When(new ScanReturn("s-1", "yt777 ", At(4))).ThenNothing();
        Assert.Equal("r-1", Store.Given(Registered, Claimed).State.RefundOfReturn("yt777 "));
    }

    [Fact]
    public void A_scan_of_an_unknown_tracking_number_is_refused() =>
        Store.Given(Registered, Claimed).When(new ScanReturn("s-1", "YT778", At(4))).ThenError("store.return-tracking-unknown");
}
