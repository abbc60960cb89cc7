namespace OrderLedger.Projections.Sql;

/// <summary>Enum values as every projection stores them, one spelling for the read models and the metrics alike.</summary>
public static class EnumNames
{
    /// <summary>Snake-case name of an enum value, as stored in read models (<c>ReturnAndRefund</c> → <c>return_and_refund</c>).</summary>
    public static string Snake<TEnum>(this TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                chars.Append('_');
            }

            chars.Append(char.ToLowerInvariant(name[i]));
        }

        return chars.ToString();
    }
}
