using System.Globalization;
using System.Net;

namespace OrderLedger.EventStore.EventStoreDb;

public enum NodePreference
{
    Leader,
    Follower,
    Random,
    ReadOnlyReplica,
}

/// <summary>
/// A connection string in the official EventStoreDB client form:
/// <c>esdb://[user:password@]host[:port][,host[:port]...][/][?key=value&amp;...]</c>, or <c>esdb+discover://</c>
/// to find the cluster's nodes through gossip. The default port is 2113; TLS is on unless <c>tls=false</c>.
/// </summary>
public sealed record EventStoreDbConnectionString
{
    public const int DefaultPort = 2113;

    private EventStoreDbConnectionString(IReadOnlyList<DnsEndPoint> hosts)
    {
        Hosts = hosts;
    }

    /// <summary>The nodes named in the string: the node itself, or the gossip seeds of a cluster.</summary>
    public IReadOnlyList<DnsEndPoint> Hosts { get; }

    /// <summary><c>esdb+discover://</c>: ask the hosts' gossip for the cluster's members.</summary>
    public bool Discover { get; private init; }

    public bool Tls { get; private init; } = true;

    /// <summary>False only for development against self-signed certificates.</summary>
    public bool TlsVerifyCert { get; private init; } = true;

    /// <summary>A CA certificate (PEM or DER) that the server's certificate may chain to.</summary>
    public string? TlsCaFile { get; private init; }

    public string? UserName { get; private init; }

    public string? Password { get; private init; }

    /// <summary>An X.509 client certificate and its key (PEM files), for certificate authentication.</summary>
    public string? UserCertFile { get; private init; }

    public string? UserKeyFile { get; private init; }

    public string? ConnectionName { get; private init; }

    public NodePreference NodePreference { get; private init; } = NodePreference.Leader;

    public int MaxDiscoverAttempts { get; private init; } = 10;

    public TimeSpan DiscoveryInterval { get; private init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan GossipTimeout { get; private init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of appends (reads and subscriptions have none); null = none.</summary>
    public TimeSpan? DefaultDeadline { get; private init; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 keep-alive ping interval; <see cref="Timeout.InfiniteTimeSpan"/> = off.</summary>
    public TimeSpan KeepAliveInterval { get; private init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; private init; } = TimeSpan.FromSeconds(10);

    /// <summary>True when the string names more than one node or asks for discovery: the cluster is found through gossip.</summary>
    public bool UsesGossip => Discover || Hosts.Count > 1;

    public bool HasCredentials => UserName is not null;

    public static EventStoreDbConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid("it is empty.");
        }

        var text = connectionString.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw Invalid("it must start with 'esdb://' or 'esdb+discover://'.");
        }

        var scheme = text[..schemeEnd].ToLowerInvariant();
        var discover = scheme switch
        {
            "esdb" => false,
            "esdb+discover" => true,
            _ => throw Invalid($"the scheme '{text[..schemeEnd]}://' is not 'esdb://' or 'esdb+discover://'."),
        };

        var rest = text[(schemeEnd + 3)..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : string.Empty;
        var authorityAndPath = queryStart >= 0 ? rest[..queryStart] : rest;

        var pathStart = authorityAndPath.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart >= 0 ? authorityAndPath[..pathStart] : authorityAndPath;
        if (pathStart >= 0 && authorityAndPath.Length > pathStart + 1)
        {
            throw Invalid($"the path '{authorityAndPath[pathStart..]}' is not allowed; only '/' may follow the hosts.");
        }

        string? userName = null;
        string? password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            (userName, password) = ParseUserInfo(authority[..at]);
            authority = authority[(at + 1)..];
        }

        var settings = new EventStoreDbConnectionString(ParseHosts(authority))
        {
            Discover = discover,
            UserName = userName,
            Password = password,
        };

        return ApplyOptions(settings, query);
    }

    public static bool TryParse(string? connectionString, out EventStoreDbConnectionString? result, out string? error)
    {
        try
        {
            result = Parse(connectionString ?? string.Empty);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            result = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The string back in its canonical form, with the password masked.</summary>
    public override string ToString()
    {
        var userInfo = UserName is null ? string.Empty : $"{Uri.EscapeDataString(UserName)}:***@";
        var hosts = string.Join(',', Hosts.Select(h => $"{FormatHost(h.Host)}:{h.Port}"));
        return $"{(Discover ? "esdb+discover" : "esdb")}://{userInfo}{hosts}?tls={(Tls ? "true" : "false")}"
            + $"&nodePreference={NodePreference.ToString().ToLowerInvariant()}"
            + (TlsVerifyCert ? string.Empty : "&tlsVerifyCert=false");
    }

    internal static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private static (string UserName, string Password) ParseUserInfo(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw Invalid("the user info before '@' must be 'user:password'.");
        }

        var user = Unescape(userInfo[..colon], "user name");
        var password = Unescape(userInfo[(colon + 1)..], "password");
        if (user.Length == 0)
        {
            throw Invalid("the user name before ':' in the user info is empty.");
        }

        return (user, password);
    }

    private static string Unescape(string value, string what)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            throw Invalid($"the {what} is not validly percent-encoded.");
        }
    }

    private static DnsEndPoint[] ParseHosts(string authority)
    {
        if (authority.Length == 0)
        {
            throw Invalid("no host is given.");
        }

        return [.. authority.Split(',').Select(ParseHost)];
    }

    private static DnsEndPoint ParseHost(string hostAndPort)
    {
        if (hostAndPort.Length == 0)
        {
            throw Invalid("a host in the list is empty (two commas in a row, or a trailing comma).");
        }

        string host;
        string? port = null;
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid($"the IPv6 host '{hostAndPort}' has no closing ']'.");
            }

            host = hostAndPort[1..close];
            var after = hostAndPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                {
                    throw Invalid($"the host '{hostAndPort}' has text after ']' that is not ':port'.");
                }

                port = after[1..];
            }
        }
        else
        {
            var colon = hostAndPort.IndexOf(':', StringComparison.Ordinal);
            host = colon >= 0 ? hostAndPort[..colon] : hostAndPort;
            port = colon >= 0 ? hostAndPort[(colon + 1)..] : null;
        }

        if (host.Length == 0)
        {
            throw Invalid($"the host '{hostAndPort}' has an empty host name.");
        }

        if (host.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            throw Invalid($"the host name '{host}' contains a character that is not allowed.");
        }

        if (port is null)
        {
            return new DnsEndPoint(host, DefaultPort);
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw Invalid($"the port '{port}' of host '{host}' is not a number from 1 to 65535.");
        }

        return new DnsEndPoint(host, number);
    }

    private static EventStoreDbConnectionString ApplyOptions(EventStoreDbConnectionString settings, string query)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Invalid($"the option '{pair}' is not 'key=value'.");
            }

            var key = pair[..eq];
            var value = Unescape(pair[(eq + 1)..], $"value of option '{key}'");
            settings = key.ToLowerInvariant() switch
            {
                "tls" => settings with { Tls = Bool(key, value) },
                "tlsverifycert" => settings with { TlsVerifyCert = Bool(key, value) },
                "tlscafile" => settings with { TlsCaFile = NonEmpty(key, value) },
                "usercertfile" => settings with { UserCertFile = NonEmpty(key, value) },
                "userkeyfile" => settings with { UserKeyFile = NonEmpty(key, value) },
                "connectionname" => settings with { ConnectionName = NonEmpty(key, value) },
                "nodepreference" => settings with { NodePreference = Preference(key, value) },
                "maxdiscoverattempts" => settings with { MaxDiscoverAttempts = Int(key, value, min: 1) },
                "discoveryinterval" => settings with { DiscoveryInterval = Milliseconds(key, value, min: 0) },
                "gossiptimeout" => settings with { GossipTimeout = Milliseconds(key, value, min: 1) },
                "defaultdeadline" => settings with { DefaultDeadline = OptionalMilliseconds(key, value) },
                "keepaliveinterval" => settings with { KeepAliveInterval = KeepAlive(key, value) },
                "keepalivetimeout" => settings with { KeepAliveTimeout = KeepAlive(key, value) },
                "throwonappendfailure" => Bool(key, value)
                    ? settings
                    : throw Invalid("throwOnAppendFailure=false is not supported: a failed append always throws."),
                _ => throw Invalid($"the option '{key}' is not known."),
            };
        }

        if ((settings.UserCertFile is null) != (settings.UserKeyFile is null))
        {
            throw Invalid("userCertFile and userKeyFile must be given together.");
        }

        if (!settings.Tls && (settings.UserCertFile is not null || settings.TlsCaFile is not null))
        {
            throw Invalid("tlsCaFile and userCertFile need tls=true.");
        }

        return settings;
    }

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Invalid($"the option '{key}' must be 'true' or 'false', not '{value}'."),
    };

    private static string NonEmpty(string key, string value) =>
        value.Length > 0 ? value : throw Invalid($"the option '{key}' has an empty value.");

    private static int Int(string key, string value, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min
            ? number
            : throw Invalid($"the option '{key}' must be a whole number of at least {min}, not '{value}'.");

    private static TimeSpan Milliseconds(string key, string value, int min) =>
        TimeSpan.FromMilliseconds(Int(key, value, min));

    private static TimeSpan? OptionalMilliseconds(string key, string value) =>
        value == "-1" ? null : Milliseconds(key, value, min: 1);

    private static TimeSpan KeepAlive(string key, string value)
    {
        if (value == "-1")
        {
            return Timeout.InfiniteTimeSpan;
        }

        return Int(key, value, min: 0) is var ms and >= 1000
            ? TimeSpan.FromMilliseconds(ms)
            : throw Invalid($"the option '{key}' must be -1 (off) or at least 1000 ms, not '{value}'.");
    }

    private static NodePreference Preference(string key, string value) => value.ToLowerInvariant() switch
    {
        "leader" => NodePreference.Leader,
        "follower" => NodePreference.Follower,
        "random" => NodePreference.Random,
        "readonlyreplica" => NodePreference.ReadOnlyReplica,
        _ => throw Invalid($"the option '{key}' must be leader, follower, random or readOnlyReplica, not '{value}'."),
    };

    private static FormatException Invalid(string reason) =>
        new($"Invalid EventStoreDB connection string: {reason} Expected e.g. 'esdb://localhost:2113?tls=false'.");
}
