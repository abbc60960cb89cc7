namespace OrderLedger.Testing;

/// <summary>Waits for a condition driven by background work, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not reached within {timeout ?? TimeSpan.FromSeconds(30)}: {because ?? "(no description)"}; last value: {value}");
            }

            await Task.Delay(20);
        }
    }
}
