//! Case categories (`CategorieCaz`) and procedural stages (`StadiuProcesual`) of the portal,
//! kept as open strings: a known value is stored as the portal code, anything else as typed.

use super::text::compact;

pub const CATEGORIES: &[(&str, &str)] = &[
    ("Penal", "Penal"),
    ("Civil", "Civil"),
    ("Litigiicuprofesionistii", "Litigii cu profesioniștii"),
    (
        "Contenciosadministrativsifiscal",
        "Contencios administrativ și fiscal",
    ),
    ("Minorisifamilie", "Minori și familie"),
    ("Litigiidemunca", "Litigii de muncă"),
    ("Altematerii", "Alte materii"),
    ("Asigurarisociale", "Asigurări sociale"),
    ("Faliment", "Faliment"),
    ("ProprietateIntelectuala", "Proprietate intelectuală"),
    ("Dreptmaritimsifluvial", "Drept maritim și fluvial"),
    ("Insolventapersoaneifizice", "Insolvența persoanei fizice"),
];

pub const STAGES: &[(&str, &str)] = &[
    ("Fond", "Fond"),
    ("Apel", "Apel"),
    ("Recurs", "Recurs"),
    ("Recursinanulare", "Recurs în anulare"),
    ("Recursininteresullegii", "Recurs în interesul legii"),
    ("Sesizareprealabila", "Sesizare prealabilă"),
    ("ContestaţieNCPP", "Contestație (NCPP)"),
    ("Recursincasatie", "Recurs în casație"),
    ("ContestatieICCJ", "Contestație ÎCCJ"),
    ("ContestatieInAnulareNCPP", "Contestație în anulare (NCPP)"),
    ("RevizuireContestatieNCPP", "Revizuire contestație (NCPP)"),
    ("Contestatie", "Contestație"),
    ("Revizuire", "Revizuire"),
    ("Contestatieinanulare", "Contestație în anulare"),
    ("Stabilireacompetentei", "Stabilirea competenței"),
    ("Recursimpotrivaincheierii", "Recurs împotriva încheierii"),
    ("Recuzare", "Recuzare"),
    ("Stramutare", "Strămutare"),
    ("Indreptareeroaremateriala", "Îndreptare eroare materială"),
    ("ContestatieinanulareFond", "Contestație în anulare — fond"),
    ("ContestatieinanulareApel", "Contestație în anulare — apel"),
    (
        "ContestatieinanulareRecurs",
        "Contestație în anulare — recurs",
    ),
    ("RevizuireFond", "Revizuire — fond"),
    ("RevizuireApel", "Revizuire — apel"),
    ("RevizuireRecurs", "Revizuire — recurs"),
];

/// The portal code for a typed category or stage (code or label, folded), else the text as
/// typed: the lists grow and an unknown value is still information.
pub fn normalise(list: &[(&'static str, &'static str)], typed: &str) -> String {
    let key = compact(typed);
    list.iter()
        .find(|(code, label)| compact(code) == key || compact(label) == key)
        .map_or_else(|| typed.trim().to_string(), |(code, _)| code.to_string())
}

/// The Romanian label of a stored value.
pub fn label(list: &[(&'static str, &'static str)], stored: &str) -> String {
    list.iter()
        .find(|(code, _)| *code == stored)
        .map_or_else(|| stored.to_string(), |(_, label)| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_codes_meet() {
        assert_eq!(normalise(CATEGORIES, "Litigii de munca"), "Litigiidemunca");
        assert_eq!(
            normalise(CATEGORIES, "contencios administrativ și fiscal"),
            "Contenciosadministrativsifiscal"
        );
        assert_eq!(
            label(CATEGORIES, "Contenciosadministrativsifiscal"),
            "Contencios administrativ și fiscal"
        );
        assert_eq!(normalise(STAGES, "contestație ncpp"), "ContestaţieNCPP");
        assert_eq!(
            normalise(STAGES, " Executare silită "),
            "Executare silită",
            "unknown values stay as typed"
        );
        assert_eq!(label(STAGES, "Executare silită"), "Executare silită");
    }
}
