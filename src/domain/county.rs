//! Romanian county codes as used by SIIIR (`Judet PJ`) and the inspectorates' names.

const COUNTIES: &[(&str, &str)] = &[
    ("AB", "Alba"),
    ("AR", "Arad"),
    ("AG", "Argeș"),
    ("BC", "Bacău"),
    ("BH", "Bihor"),
    ("BN", "Bistrița-Năsăud"),
    ("BT", "Botoșani"),
    ("BV", "Brașov"),
    ("BR", "Brăila"),
    ("B", "București"),
    ("BZ", "Buzău"),
    ("CS", "Caraș-Severin"),
    ("CL", "Călărași"),
    ("CJ", "Cluj"),
    ("CT", "Constanța"),
    ("CV", "Covasna"),
    ("DB", "Dâmbovița"),
    ("DJ", "Dolj"),
    ("GL", "Galați"),
    ("GR", "Giurgiu"),
    ("GJ", "Gorj"),
    ("HR", "Harghita"),
    ("HD", "Hunedoara"),
    ("IL", "Ialomița"),
    ("IS", "Iași"),
    ("IF", "Ilfov"),
    ("MM", "Maramureș"),
    ("MH", "Mehedinți"),
    ("MS", "Mureș"),
    ("NT", "Neamț"),
    ("OT", "Olt"),
    ("PH", "Prahova"),
    ("SM", "Satu Mare"),
    ("SJ", "Sălaj"),
    ("SB", "Sibiu"),
    ("SV", "Suceava"),
    ("TR", "Teleorman"),
    ("TM", "Timiș"),
    ("TL", "Tulcea"),
    ("VS", "Vaslui"),
    ("VL", "Vâlcea"),
    ("VN", "Vrancea"),
];

/// The county's name for a code such as `HD`, case-insensitive.
/// Every county's name (for the words a password must not lean on).
pub fn all_names() -> impl Iterator<Item = &'static str> {
    COUNTIES.iter().map(|(_, name)| *name)
}

pub fn county_name(code: &str) -> Option<&'static str> {
    let code = code.trim();
    COUNTIES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, name)| *name)
}

/// How the inspectorate of a county is called (Bucharest's is municipal).
pub fn inspectorate_name(code: &str) -> String {
    match county_name(code) {
        Some("București") => "Inspectoratul Școlar al Municipiului București".into(),
        Some(name) => format!("Inspectoratul Școlar Județean {name}"),
        None => "Inspectoratul Școlar Județean".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(COUNTIES.len(), 42);
        assert_eq!(county_name("hd"), Some("Hunedoara"));
        assert_eq!(
            inspectorate_name("HD"),
            "Inspectoratul Școlar Județean Hunedoara"
        );
        assert_eq!(
            inspectorate_name("B"),
            "Inspectoratul Școlar al Municipiului București"
        );
        assert_eq!(inspectorate_name("XX"), "Inspectoratul Școlar Județean");
    }
}
