using System.Net;

namespace OrderLedger.EventStore.EventStoreDb.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void A_single_insecure_node()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://localhost:2113?tls=false");

        Assert.Equal([new DnsEndPoint("localhost", 2113)], settings.Hosts);
        Assert.False(settings.Tls);
        Assert.False(settings.Discover);
        Assert.False(settings.UsesGossip);
        Assert.False(settings.HasCredentials);
    }

    [Fact]
    public void Tls_is_on_and_the_port_is_2113_unless_said_otherwise()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://db.example.com");

        Assert.True(settings.Tls);
        Assert.True(settings.TlsVerifyCert);
        Assert.Equal(2113, settings.Hosts.Single().Port);
        Assert.Equal(NodePreference.Leader, settings.NodePreference);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.DefaultDeadline);
    }

    [Fact]
    public void A_cluster_of_gossip_seeds_with_a_node_preference()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://host1,host2:2114,host3?tls=true&nodePreference=leader");

        Assert.Equal(
            [new DnsEndPoint("host1", 2113), new DnsEndPoint("host2", 2114), new DnsEndPoint("host3", 2113)],
            settings.Hosts);
        Assert.True(settings.UsesGossip);
        Assert.Equal(NodePreference.Leader, settings.NodePreference);
    }

    [Fact]
    public void Discovery_through_one_dns_name()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb+discover://cluster.example.com:2113?nodePreference=follower");

        Assert.True(settings.Discover);
        Assert.True(settings.UsesGossip);
        Assert.Equal(NodePreference.Follower, settings.NodePreference);
    }

    [Fact]
    public void Credentials_are_taken_from_the_user_info_and_percent_decoded()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://admin:ch%40nge%3Ait@localhost:2113?tls=false");

        Assert.Equal("admin", settings.UserName);
        Assert.Equal("ch@nge:it", settings.Password);
        Assert.True(settings.HasCredentials);
        Assert.Equal("localhost", settings.Hosts.Single().Host);
    }

    [Fact]
    public void The_password_never_appears_in_the_string_form()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://admin:changeit@localhost");

        Assert.DoesNotContain("changeit", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("admin:***@localhost:2113", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Option_keys_and_the_scheme_are_case_insensitive()
    {
        var settings = EventStoreDbConnectionString.Parse("ESDB://localhost/?TLS=False&TlsVerifyCert=FALSE&NODEPREFERENCE=Random");

        Assert.False(settings.Tls);
        Assert.False(settings.TlsVerifyCert);
        Assert.Equal(NodePreference.Random, settings.NodePreference);
    }

    [Fact]
    public void Timing_options_are_milliseconds()
    {
        var settings = EventStoreDbConnectionString.Parse(
            "esdb://localhost?maxDiscoverAttempts=3&discoveryInterval=250&gossipTimeout=1500&defaultDeadline=2000&keepAliveInterval=-1&keepAliveTimeout=20000&connectionName=ledger");

        Assert.Equal(3, settings.MaxDiscoverAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.DiscoveryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.GossipTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.DefaultDeadline);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.KeepAliveTimeout);
        Assert.Equal("ledger", settings.ConnectionName);
    }

    [Fact]
    public void Tls_files_are_kept_for_the_channel()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://node1?tlsCaFile=/certs/ca.crt&userCertFile=/certs/u.crt&userKeyFile=/certs/u.key");

        Assert.Equal("/certs/ca.crt", settings.TlsCaFile);
        Assert.Equal("/certs/u.crt", settings.UserCertFile);
        Assert.Equal("/certs/u.key", settings.UserKeyFile);
    }

    [Fact]
    public void An_ipv6_host_is_written_in_brackets()
    {
        var settings = EventStoreDbConnectionString.Parse("esdb://[::1]:2200?tls=false");

        Assert.Equal(new DnsEndPoint("::1", 2200), settings.Hosts.Single());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:2113", "esdb://")]
    [InlineData("http://localhost:2113", "'http://'")]
    [InlineData("esdb://", "no host")]
    [InlineData("esdb://localhost:abc", "port 'abc'")]
    [InlineData("esdb://localhost:70000", "port '70000'")]
    [InlineData("esdb://host1,,host2", "empty")]
    [InlineData("esdb://localhost:2113/streams", "path '/streams'")]
    [InlineData("esdb://localhost?tls=maybe", "'tls' must be 'true' or 'false'")]
    [InlineData("esdb://localhost?tls", "'tls' is not 'key=value'")]
    [InlineData("esdb://localhost?colour=blue", "option 'colour' is not known")]
    [InlineData("esdb://localhost?nodePreference=fastest", "'nodePreference' must be leader")]
    [InlineData("esdb://localhost?maxDiscoverAttempts=0", "'maxDiscoverAttempts' must be a whole number")]
    [InlineData("esdb://localhost?keepAliveInterval=10", "'keepAliveInterval' must be -1")]
    [InlineData("esdb://admin@localhost", "'user:password'")]
    [InlineData("esdb://:secret@localhost", "user name")]
    [InlineData("esdb://[::1:2113", "no closing ']'")]
    [InlineData("esdb://localhost?userCertFile=/c.crt", "userCertFile and userKeyFile")]
    [InlineData("esdb://localhost?tls=false&tlsCaFile=/ca.crt", "need tls=true")]
    [InlineData("esdb://localhost?throwOnAppendFailure=false", "throwOnAppendFailure")]
    public void Bad_strings_are_rejected_naming_the_bad_part(string connectionString, string expectedInMessage)
    {
        var error = Assert.Throws<FormatException>(() => EventStoreDbConnectionString.Parse(connectionString));

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid EventStoreDB connection string:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_string_does_not_echo_the_password()
    {
        var error = Assert.Throws<FormatException>(() => EventStoreDbConnectionString.Parse("esdb://admin:s3cret@localhost:nope"));

        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_reports_the_error_instead_of_throwing()
    {
        Assert.False(EventStoreDbConnectionString.TryParse("esdb://localhost:0", out var result, out var error));
        Assert.Null(result);
        Assert.Contains("port '0'", error, StringComparison.Ordinal);

        Assert.True(EventStoreDbConnectionString.TryParse("esdb://localhost", out result, out error));
        Assert.NotNull(result);
        Assert.Null(error);
    }
}
