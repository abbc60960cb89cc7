using Npgsql;

namespace OrderLedger.Projections.Runtime;

/// <summary>Database errors worth retrying with backoff rather than faulting the projection.</summary>
public static class TransientErrors
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState switch
                    {
                        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => true,
                        PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled => true,
                        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
                        PostgresErrorCodes.TooManyConnections => true,
                        _ => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.IsTransient,
                    };
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException:
                    return true;
                default:
                    break;
            }
        }

        return false;
    }
}
