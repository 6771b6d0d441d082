//! Courts as the portal.just.ro service names them (`Institutie`, 246 values in the 2018 and
//! 2023 WSDL) with Romanian display names, plus the High Court, which the service lacks.
//! Codes are open strings: a value not listed here is unknown, not invalid data in storage.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::compact;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Court {
    /// The portal's `Institutie` value (our own for the High Court).
    pub code: &'static str,
    pub name: &'static str,
    /// The ECRIS number that appears in case numbers, where a public source confirms it
    /// (portal-just §4.2); the others are unknown until seen in real data.
    pub number: Option<u32>,
}

pub const HIGH_COURT: Court = Court {
    code: "InaltaCurtedeCasatiesiJustitie",
    name: "Înalta Curte de Casație și Justiție",
    number: Some(1),
};

/// Finds a court by display name or portal code, folded (case, diacritics, spaces and
/// punctuation do not matter): `Tribunalul Hunedoara`, `TRIBUNALUL HUNEDOARA`,
/// `TribunalulHUNEDOARA`, `ICCJ`.
pub fn find(text: &str) -> Option<&'static Court> {
    let key = compact(text);
    if key == "iccj" {
        return Some(&HIGH_COURT);
    }
    KEYS.get(key.as_str()).copied()
}

/// Folded code and display name of every court → the court, built once.
static KEYS: LazyLock<HashMap<String, &'static Court>> = LazyLock::new(|| {
    all()
        .flat_map(|c| [(compact(c.code), c), (compact(c.name), c)])
        .collect()
});

/// The court whose ECRIS number is `number`, when it is known.
pub fn by_number(number: u32) -> Option<&'static Court> {
    std::iter::once(&HIGH_COURT)
        .chain(COURTS.iter())
        .find(|c| c.number == Some(number))
}

/// The display name of a stored court code; unknown codes are shown as they are.
pub fn display_name(code: &str) -> String {
    BY_CODE
        .get(code)
        .copied()
        .or_else(|| find(code))
        .map_or_else(|| code.to_string(), |c| c.name.to_string())
}

/// Stored code → court, built once (every list row names its court).
static BY_CODE: LazyLock<HashMap<&'static str, &'static Court>> =
    LazyLock::new(|| all().map(|c| (c.code, c)).collect());

/// All known courts, High Court first, for filter lists.
pub fn all() -> impl Iterator<Item = &'static Court> {
    std::iter::once(&HIGH_COURT).chain(COURTS.iter())
}

pub const COURTS: &[Court] = &[
    Court {
        code: "CurteadeApelBUCURESTI",
        name: "Curtea de Apel București",
        number: None,
    },
    Court {
        code: "TribunalulBUCURESTI",
        name: "Tribunalul București",
        number: Some(3),
    },
    Court {
        code: "JudecatoriaSECTORUL4BUCURESTI",
        name: "Judecătoria Sectorului 4 București",
        number: None,
    },
    Court {
        code: "TribunalulTIMIS",
        name: "Tribunalul Timiș",
        number: None,
    },
    Court {
        code: "CurteadeApelBACAU",
        name: "Curtea de Apel Bacău",
        number: None,
    },
    Court {
        code: "CurteadeApelCLUJ",
        name: "Curtea de Apel Cluj",
        number: None,
    },
    Court {
        code: "CurteadeApelORADEA",
        name: "Curtea de Apel Oradea",
        number: None,
    },
    Court {
        code: "CurteadeApelCONSTANTA",
        name: "Curtea de Apel Constanța",
        number: None,
    },
    Court {
        code: "CurteadeApelSUCEAVA",
        name: "Curtea de Apel Suceava",
        number: None,
    },
    Court {
        code: "TribunalulBOTOSANI",
        name: "Tribunalul Botoșani",
        number: None,
    },
    Court {
        code: "CurteadeApelPLOIESTI",
        name: "Curtea de Apel Ploiești",
        number: None,
    },
    Court {
        code: "CurteadeApelTARGUMURES",
        name: "Curtea de Apel Târgu Mureș",
        number: None,
    },
    Court {
        code: "CurteadeApelGALATI",
        name: "Curtea de Apel Galați",
        number: None,
    },
    Court {
        code: "CurteadeApelIASI",
        name: "Curtea de Apel Iași",
        number: None,
    },
    Court {
        code: "CurteadeApelPITESTI",
        name: "Curtea de Apel Pitești",
        number: None,
    },
    Court {
        code: "CurteadeApelCRAIOVA",
        name: "Curtea de Apel Craiova",
        number: None,
    },
    Court {
        code: "JudecatoriaARAD",
        name: "Judecătoria Arad",
        number: None,
    },
    Court {
        code: "CurteadeApelALBAIULIA",
        name: "Curtea de Apel Alba Iulia",
        number: Some(57),
    },
    Court {
        code: "CurteadeApelTIMISOARA",
        name: "Curtea de Apel Timișoara",
        number: None,
    },
    Court {
        code: "TribunalulBRASOV",
        name: "Tribunalul Brașov",
        number: None,
    },
    Court {
        code: "TribunalulDOLJ",
        name: "Tribunalul Dolj",
        number: None,
    },
    Court {
        code: "CurteadeApelBRASOV",
        name: "Curtea de Apel Brașov",
        number: None,
    },
    Court {
        code: "CurteaMilitaradeApelBUCURESTI",
        name: "Curtea Militară de Apel București",
        number: None,
    },
    Court {
        code: "TribunalulSATUMARE",
        name: "Tribunalul Satu Mare",
        number: None,
    },
    Court {
        code: "TribunalulSALAJ",
        name: "Tribunalul Sălaj",
        number: None,
    },
    Court {
        code: "TribunalulSIBIU",
        name: "Tribunalul Sibiu",
        number: None,
    },
    Court {
        code: "TribunalulSUCEAVA",
        name: "Tribunalul Suceava",
        number: None,
    },
    Court {
        code: "TribunalulTELEORMAN",
        name: "Tribunalul Teleorman",
        number: None,
    },
    Court {
        code: "TribunalulTULCEA",
        name: "Tribunalul Tulcea",
        number: None,
    },
    Court {
        code: "TribunalulVASLUI",
        name: "Tribunalul Vaslui",
        number: None,
    },
    Court {
        code: "TribunalulVALCEA",
        name: "Tribunalul Vâlcea",
        number: None,
    },
    Court {
        code: "TribunalulVRANCEA",
        name: "Tribunalul Vrancea",
        number: None,
    },
    Court {
        code: "TribunalulMilitarBUCURESTI",
        name: "Tribunalul Militar București",
        number: None,
    },
    Court {
        code: "TribunalulILFOV",
        name: "Tribunalul Ilfov",
        number: None,
    },
    Court {
        code: "JudecatoriaBUFTEA",
        name: "Judecătoria Buftea",
        number: None,
    },
    Court {
        code: "TribunalulGORJ",
        name: "Tribunalul Gorj",
        number: None,
    },
    Court {
        code: "TribunalulHARGHITA",
        name: "Tribunalul Harghita",
        number: None,
    },
    Court {
        code: "TribunalulHUNEDOARA",
        name: "Tribunalul Hunedoara",
        number: Some(97),
    },
    Court {
        code: "TribunalulIALOMITA",
        name: "Tribunalul Ialomița",
        number: None,
    },
    Court {
        code: "TribunalulIASI",
        name: "Tribunalul Iași",
        number: None,
    },
    Court {
        code: "TribunalulMARAMURES",
        name: "Tribunalul Maramureș",
        number: None,
    },
    Court {
        code: "TribunalulMEHEDINTI",
        name: "Tribunalul Mehedinți",
        number: None,
    },
    Court {
        code: "TribunalulMURES",
        name: "Tribunalul Mureș",
        number: Some(102),
    },
    Court {
        code: "TribunalulNEAMT",
        name: "Tribunalul Neamț",
        number: None,
    },
    Court {
        code: "TribunalulOLT",
        name: "Tribunalul Olt",
        number: None,
    },
    Court {
        code: "TribunalulPRAHOVA",
        name: "Tribunalul Prahova",
        number: None,
    },
    Court {
        code: "TribunalulALBA",
        name: "Tribunalul Alba",
        number: Some(107),
    },
    Court {
        code: "TribunalulARAD",
        name: "Tribunalul Arad",
        number: None,
    },
    Court {
        code: "TribunalulARGES",
        name: "Tribunalul Argeș",
        number: None,
    },
    Court {
        code: "TribunalulBACAU",
        name: "Tribunalul Bacău",
        number: None,
    },
    Court {
        code: "TribunalulBIHOR",
        name: "Tribunalul Bihor",
        number: None,
    },
    Court {
        code: "TribunalulBISTRITANASAUD",
        name: "Tribunalul Bistrița-Năsăud",
        number: None,
    },
    Court {
        code: "TribunalulBRAILA",
        name: "Tribunalul Brăila",
        number: None,
    },
    Court {
        code: "TribunalulBUZAU",
        name: "Tribunalul Buzău",
        number: None,
    },
    Court {
        code: "TribunalulCARASSEVERIN",
        name: "Tribunalul Caraș-Severin",
        number: Some(115),
    },
    Court {
        code: "TribunalulCALARASI",
        name: "Tribunalul Călărași",
        number: None,
    },
    Court {
        code: "TribunalulCLUJ",
        name: "Tribunalul Cluj",
        number: Some(117),
    },
    Court {
        code: "TribunalulCONSTANTA",
        name: "Tribunalul Constanța",
        number: None,
    },
    Court {
        code: "TribunalulCOVASNA",
        name: "Tribunalul Covasna",
        number: None,
    },
    Court {
        code: "TribunalulDAMBOVITA",
        name: "Tribunalul Dâmbovița",
        number: None,
    },
    Court {
        code: "TribunalulGALATI",
        name: "Tribunalul Galați",
        number: None,
    },
    Court {
        code: "TribunalulGIURGIU",
        name: "Tribunalul Giurgiu",
        number: None,
    },
    Court {
        code: "JudecatoriaADJUD",
        name: "Judecătoria Adjud",
        number: None,
    },
    Court {
        code: "JudecatoriaAGNITA",
        name: "Judecătoria Agnita",
        number: None,
    },
    Court {
        code: "JudecatoriaAIUD",
        name: "Judecătoria Aiud",
        number: None,
    },
    Court {
        code: "JudecatoriaALBAIULIA",
        name: "Judecătoria Alba Iulia",
        number: None,
    },
    Court {
        code: "JudecatoriaALESD",
        name: "Judecătoria Aleșd",
        number: None,
    },
    Court {
        code: "JudecatoriaBABADAG",
        name: "Judecătoria Babadag",
        number: None,
    },
    Court {
        code: "JudecatoriaBACAU",
        name: "Judecătoria Bacău",
        number: None,
    },
    Court {
        code: "JudecatoriaBAIADEARAMA",
        name: "Judecătoria Baia de Aramă",
        number: None,
    },
    Court {
        code: "JudecatoriaBAIAMARE",
        name: "Judecătoria Baia Mare",
        number: None,
    },
    Court {
        code: "JudecatoriaBAILESTI",
        name: "Judecătoria Băilești",
        number: None,
    },
    Court {
        code: "JudecatoriaBALS",
        name: "Judecătoria Balș",
        number: None,
    },
    Court {
        code: "JudecatoriaBALCESTI",
        name: "Judecătoria Bălcești",
        number: None,
    },
    Court {
        code: "JudecatoriaBECLEAN",
        name: "Judecătoria Beclean",
        number: None,
    },
    Court {
        code: "JudecatoriaBEIUS",
        name: "Judecătoria Beiuș",
        number: None,
    },
    Court {
        code: "JudecatoriaBICAZ",
        name: "Judecătoria Bicaz",
        number: None,
    },
    Court {
        code: "JudecatoriaBARLAD",
        name: "Judecătoria Bârlad",
        number: None,
    },
    Court {
        code: "JudecatoriaBISTRITA",
        name: "Judecătoria Bistrița",
        number: None,
    },
    Court {
        code: "JudecatoriaBLAJ",
        name: "Judecătoria Blaj",
        number: None,
    },
    Court {
        code: "JudecatoriaBOLINTINVALE",
        name: "Judecătoria Bolintin-Vale",
        number: None,
    },
    Court {
        code: "JudecatoriaBOTOSANI",
        name: "Judecătoria Botoșani",
        number: None,
    },
    Court {
        code: "JudecatoriaBOZOVICI",
        name: "Judecătoria Bozovici",
        number: None,
    },
    Court {
        code: "JudecatoriaBRAD",
        name: "Judecătoria Brad",
        number: None,
    },
    Court {
        code: "JudecatoriaBRAILA",
        name: "Judecătoria Brăila",
        number: None,
    },
    Court {
        code: "JudecatoriaBRASOV",
        name: "Judecătoria Brașov",
        number: Some(197),
    },
    Court {
        code: "JudecatoriaBREZOI",
        name: "Judecătoria Brezoi",
        number: None,
    },
    Court {
        code: "JudecatoriaBUHUSI",
        name: "Judecătoria Buhuși",
        number: None,
    },
    Court {
        code: "JudecatoriaBUZAU",
        name: "Judecătoria Buzău",
        number: None,
    },
    Court {
        code: "JudecatoriaCALAFAT",
        name: "Judecătoria Calafat",
        number: None,
    },
    Court {
        code: "JudecatoriaCALARASI",
        name: "Judecătoria Călărași",
        number: None,
    },
    Court {
        code: "JudecatoriaCAMPENI",
        name: "Judecătoria Câmpeni",
        number: None,
    },
    Court {
        code: "JudecatoriaCAMPINA",
        name: "Judecătoria Câmpina",
        number: None,
    },
    Court {
        code: "JudecatoriaCAMPULUNG",
        name: "Judecătoria Câmpulung",
        number: None,
    },
    Court {
        code: "JudecatoriaCAMPULUNGMOLDOVENESC",
        name: "Judecătoria Câmpulung Moldovenesc",
        number: None,
    },
    Court {
        code: "JudecatoriaCARACAL",
        name: "Judecătoria Caracal",
        number: None,
    },
    Court {
        code: "JudecatoriaCARANSEBES",
        name: "Judecătoria Caransebeș",
        number: None,
    },
    Court {
        code: "JudecatoriaCHISINEUCRIS",
        name: "Judecătoria Chișineu-Criș",
        number: None,
    },
    Court {
        code: "JudecatoriaCLUJNAPOCA",
        name: "Judecătoria Cluj-Napoca",
        number: None,
    },
    Court {
        code: "JudecatoriaCONSTANTA",
        name: "Judecătoria Constanța",
        number: None,
    },
    Court {
        code: "JudecatoriaCORABIA",
        name: "Judecătoria Corabia",
        number: None,
    },
    Court {
        code: "JudecatoriaCOSTESTI",
        name: "Judecătoria Costești",
        number: None,
    },
    Court {
        code: "JudecatoriaCRAIOVA",
        name: "Judecătoria Craiova",
        number: None,
    },
    Court {
        code: "JudecatoriaCURTEADEARGES",
        name: "Judecătoria Curtea de Argeș",
        number: None,
    },
    Court {
        code: "JudecatoriaDarabani",
        name: "Judecătoria Darabani",
        number: None,
    },
    Court {
        code: "JudecatoriaCAREI",
        name: "Judecătoria Carei",
        number: None,
    },
    Court {
        code: "JudecatoriaDEJ",
        name: "Judecătoria Dej",
        number: None,
    },
    Court {
        code: "JudecatoriaDETA",
        name: "Judecătoria Deta",
        number: None,
    },
    Court {
        code: "JudecatoriaDEVA",
        name: "Judecătoria Deva",
        number: Some(221),
    },
    Court {
        code: "JudecatoriaDOROHOI",
        name: "Judecătoria Dorohoi",
        number: None,
    },
    Court {
        code: "JudecatoriaDRAGASANI",
        name: "Judecătoria Drăgășani",
        number: None,
    },
    Court {
        code: "JudecatoriaDRAGOMIRESTI",
        name: "Judecătoria Dragomirești",
        number: None,
    },
    Court {
        code: "JudecatoriaDROBETATURNUSEVERIN",
        name: "Judecătoria Drobeta-Turnu Severin",
        number: None,
    },
    Court {
        code: "JudecatoriaFAGARAS",
        name: "Judecătoria Făgăraș",
        number: Some(226),
    },
    Court {
        code: "JudecatoriaFALTICENI",
        name: "Judecătoria Fălticeni",
        number: None,
    },
    Court {
        code: "JudecatoriaFAUREI",
        name: "Judecătoria Făurei",
        number: None,
    },
    Court {
        code: "JudecatoriaFETESTI",
        name: "Judecătoria Fetești",
        number: None,
    },
    Court {
        code: "JudecatoriaFILIASI",
        name: "Judecătoria Filiași",
        number: None,
    },
    Court {
        code: "JudecatoriaFOCSANI",
        name: "Judecătoria Focșani",
        number: None,
    },
    Court {
        code: "JudecatoriaGAESTI",
        name: "Judecătoria Găești",
        number: None,
    },
    Court {
        code: "JudecatoriaGALATI",
        name: "Judecătoria Galați",
        number: None,
    },
    Court {
        code: "JudecatoriaGHEORGHENI",
        name: "Judecătoria Gheorgheni",
        number: None,
    },
    Court {
        code: "JudecatoriaGHERLA",
        name: "Judecătoria Gherla",
        number: None,
    },
    Court {
        code: "JudecatoriaGIURGIU",
        name: "Judecătoria Giurgiu",
        number: None,
    },
    Court {
        code: "JudecatoriaGURAHUMORULUI",
        name: "Judecătoria Gura Humorului",
        number: None,
    },
    Court {
        code: "JudecatoriaGURAHONT",
        name: "Judecătoria Gurahonț",
        number: None,
    },
    Court {
        code: "JudecatoriaHARLAU",
        name: "Judecătoria Hârlău",
        number: None,
    },
    Court {
        code: "JudecatoriaHATEG",
        name: "Judecătoria Hațeg",
        number: None,
    },
    Court {
        code: "JudecatoriaHOREZU",
        name: "Judecătoria Horezu",
        number: None,
    },
    Court {
        code: "JudecatoriaHUEDIN",
        name: "Judecătoria Huedin",
        number: None,
    },
    Court {
        code: "JudecatoriaHUNEDOARA",
        name: "Judecătoria Hunedoara",
        number: None,
    },
    Court {
        code: "JudecatoriaHUSI",
        name: "Judecătoria Huși",
        number: None,
    },
    Court {
        code: "JudecatoriaIASI",
        name: "Judecătoria Iași",
        number: None,
    },
    Court {
        code: "JudecatoriaINEU",
        name: "Judecătoria Ineu",
        number: None,
    },
    Court {
        code: "JudecatoriaINSURATEI",
        name: "Judecătoria Însurăței",
        number: None,
    },
    Court {
        code: "JudecatoriaINTORSURABUZAULUI",
        name: "Judecătoria Întorsura Buzăului",
        number: None,
    },
    Court {
        code: "JudecatoriaLEHLIUGARA",
        name: "Judecătoria Lehliu-Gară",
        number: None,
    },
    Court {
        code: "JudecatoriaLIPOVA",
        name: "Judecătoria Lipova",
        number: None,
    },
    Court {
        code: "JudecatoriaLUDUS",
        name: "Judecătoria Luduș",
        number: None,
    },
    Court {
        code: "JudecatoriaLUGOJ",
        name: "Judecătoria Lugoj",
        number: None,
    },
    Court {
        code: "JudecatoriaMACIN",
        name: "Judecătoria Măcin",
        number: None,
    },
    Court {
        code: "JudecatoriaMANGALIA",
        name: "Judecătoria Mangalia",
        number: None,
    },
    Court {
        code: "JudecatoriaMARGHITA",
        name: "Judecătoria Marghita",
        number: None,
    },
    Court {
        code: "JudecatoriaMEDGIDIA",
        name: "Judecătoria Medgidia",
        number: None,
    },
    Court {
        code: "JudecatoriaMEDIAS",
        name: "Judecătoria Mediaș",
        number: None,
    },
    Court {
        code: "JudecatoriaMIERCUREACIUC",
        name: "Judecătoria Miercurea Ciuc",
        number: None,
    },
    Court {
        code: "JudecatoriaMIZIL",
        name: "Judecătoria Mizil",
        number: None,
    },
    Court {
        code: "JudecatoriaMOINESTI",
        name: "Judecătoria Moinești",
        number: None,
    },
    Court {
        code: "JudecatoriaMOLDOVANOUA",
        name: "Judecătoria Moldova Nouă",
        number: None,
    },
    Court {
        code: "JudecatoriaMORENI",
        name: "Judecătoria Moreni",
        number: None,
    },
    Court {
        code: "JudecatoriaMOTRU",
        name: "Judecătoria Motru",
        number: None,
    },
    Court {
        code: "JudecatoriaMURGENI",
        name: "Judecătoria Murgeni",
        number: None,
    },
    Court {
        code: "JudecatoriaNASAUD",
        name: "Judecătoria Năsăud",
        number: None,
    },
    Court {
        code: "JudecatoriaNEGRESTIOAS",
        name: "Judecătoria Negrești-Oaș",
        number: None,
    },
    Court {
        code: "JudecatoriaNOVACI",
        name: "Judecătoria Novaci",
        number: None,
    },
    Court {
        code: "JudecatoriaODORHEIULSECUIESC",
        name: "Judecătoria Odorheiu Secuiesc",
        number: None,
    },
    Court {
        code: "JudecatoriaOLTENITA",
        name: "Judecătoria Oltenița",
        number: None,
    },
    Court {
        code: "JudecatoriaONESTI",
        name: "Judecătoria Onești",
        number: None,
    },
    Court {
        code: "JudecatoriaORADEA",
        name: "Judecătoria Oradea",
        number: None,
    },
    Court {
        code: "JudecatoriaORASTIE",
        name: "Judecătoria Orăștie",
        number: None,
    },
    Court {
        code: "JudecatoriaORAVITA",
        name: "Judecătoria Oravița",
        number: None,
    },
    Court {
        code: "JudecatoriaORSOVA",
        name: "Judecătoria Orșova",
        number: Some(274),
    },
    Court {
        code: "JudecatoriaPANCIU",
        name: "Judecătoria Panciu",
        number: None,
    },
    Court {
        code: "JudecatoriaPATARLAGELE",
        name: "Judecătoria Pătârlagele",
        number: None,
    },
    Court {
        code: "JudecatoriaPETROSANI",
        name: "Judecătoria Petroșani",
        number: None,
    },
    Court {
        code: "JudecatoriaPIATRANEAMT",
        name: "Judecătoria Piatra Neamț",
        number: None,
    },
    Court {
        code: "JudecatoriaPITESTI",
        name: "Judecătoria Pitești",
        number: None,
    },
    Court {
        code: "JudecatoriaPLOIESTI",
        name: "Judecătoria Ploiești",
        number: None,
    },
    Court {
        code: "JudecatoriaPOGOANELE",
        name: "Judecătoria Pogoanele",
        number: None,
    },
    Court {
        code: "JudecatoriaPUCIOASA",
        name: "Judecătoria Pucioasa",
        number: None,
    },
    Court {
        code: "JudecatoriaRACARI",
        name: "Judecătoria Răcari",
        number: None,
    },
    Court {
        code: "JudecatoriaRADAUTI",
        name: "Judecătoria Rădăuți",
        number: None,
    },
    Court {
        code: "JudecatoriaRADUCANENI",
        name: "Judecătoria Răducăneni",
        number: None,
    },
    Court {
        code: "JudecatoriaRAMNICUSARAT",
        name: "Judecătoria Râmnicu Sărat",
        number: None,
    },
    Court {
        code: "JudecatoriaRAMNICUVALCEA",
        name: "Judecătoria Râmnicu Vâlcea",
        number: None,
    },
    Court {
        code: "JudecatoriaREGHIN",
        name: "Judecătoria Reghin",
        number: None,
    },
    Court {
        code: "JudecatoriaRESITA",
        name: "Judecătoria Reșița",
        number: None,
    },
    Court {
        code: "JudecatoriaROMAN",
        name: "Judecătoria Roman",
        number: None,
    },
    Court {
        code: "JudecatoriaROSIORIDEVEDE",
        name: "Judecătoria Roșiorii de Vede",
        number: None,
    },
    Court {
        code: "JudecatoriaRUPEA",
        name: "Judecătoria Rupea",
        number: None,
    },
    Court {
        code: "JudecatoriaSALISTE",
        name: "Judecătoria Săliște",
        number: None,
    },
    Court {
        code: "JudecatoriaSANNICOLAULMARE",
        name: "Judecătoria Sânnicolau Mare",
        number: None,
    },
    Court {
        code: "JudecatoriaSATUMARE",
        name: "Judecătoria Satu Mare",
        number: None,
    },
    Court {
        code: "JudecatoriaSAVENI",
        name: "Judecătoria Săveni",
        number: None,
    },
    Court {
        code: "JudecatoriaSEBES",
        name: "Judecătoria Sebeș",
        number: None,
    },
    Court {
        code: "JudecatoriaSECTORUL1BUCURESTI",
        name: "Judecătoria Sectorului 1 București",
        number: None,
    },
    Court {
        code: "JudecatoriaSECTORUL2BUCURESTI",
        name: "Judecătoria Sectorului 2 București",
        number: None,
    },
    Court {
        code: "JudecatoriaSECTORUL3BUCURESTI",
        name: "Judecătoria Sectorului 3 București",
        number: None,
    },
    Court {
        code: "JudecatoriaSECTORUL5BUCURESTI",
        name: "Judecătoria Sectorului 5 București",
        number: None,
    },
    Court {
        code: "JudecatoriaSECTORUL6BUCURESTI",
        name: "Judecătoria Sectorului 6 București",
        number: None,
    },
    Court {
        code: "JudecatoriaSEGARCEA",
        name: "Judecătoria Segarcea",
        number: None,
    },
    Court {
        code: "JudecatoriaSFANTUGHEORGHE",
        name: "Judecătoria Sfântu Gheorghe",
        number: None,
    },
    Court {
        code: "JudecatoriaSIBIU",
        name: "Judecătoria Sibiu",
        number: None,
    },
    Court {
        code: "JudecatoriaSIGHETUMARMATIEI",
        name: "Judecătoria Sighetu Marmației",
        number: None,
    },
    Court {
        code: "JudecatoriaSIGHISOARA",
        name: "Judecătoria Sighișoara",
        number: None,
    },
    Court {
        code: "JudecatoriaSIMLEULSILVANIEI",
        name: "Judecătoria Șimleu Silvaniei",
        number: None,
    },
    Court {
        code: "JudecatoriaSINAIA",
        name: "Judecătoria Sinaia",
        number: None,
    },
    Court {
        code: "JudecatoriaSLATINA",
        name: "Judecătoria Slatina",
        number: None,
    },
    Court {
        code: "JudecatoriaSLOBOZIA",
        name: "Judecătoria Slobozia",
        number: None,
    },
    Court {
        code: "JudecatoriaSTREHAIA",
        name: "Judecătoria Strehaia",
        number: None,
    },
    Court {
        code: "JudecatoriaSUCEAVA",
        name: "Judecătoria Suceava",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGOVISTE",
        name: "Judecătoria Târgoviște",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUBUJOR",
        name: "Judecătoria Târgu Bujor",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUCARBUNESTI",
        name: "Judecătoria Târgu Cărbunești",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUJIU",
        name: "Judecătoria Târgu Jiu",
        number: Some(318),
    },
    Court {
        code: "JudecatoriaTARGULAPUS",
        name: "Judecătoria Târgu Lăpuș",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUMURES",
        name: "Judecătoria Târgu Mureș",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUNEAMT",
        name: "Judecătoria Târgu Neamț",
        number: None,
    },
    Court {
        code: "JudecatoriaTARGUSECUIESC",
        name: "Judecătoria Târgu Secuiesc",
        number: None,
    },
    Court {
        code: "JudecatoriaTARNAVENI",
        name: "Judecătoria Târnăveni",
        number: None,
    },
    Court {
        code: "JudecatoriaTECUCI",
        name: "Judecătoria Tecuci",
        number: None,
    },
    Court {
        code: "JudecatoriaTIMISOARA",
        name: "Judecătoria Timișoara",
        number: None,
    },
    Court {
        code: "JudecatoriaTOPLITA",
        name: "Judecătoria Toplița",
        number: None,
    },
    Court {
        code: "JudecatoriaTULCEA",
        name: "Judecătoria Tulcea",
        number: None,
    },
    Court {
        code: "JudecatoriaTURDA",
        name: "Judecătoria Turda",
        number: None,
    },
    Court {
        code: "JudecatoriaTURNUMAGURELE",
        name: "Judecătoria Turnu Măgurele",
        number: None,
    },
    Court {
        code: "JudecatoriaURZICENI",
        name: "Judecătoria Urziceni",
        number: None,
    },
    Court {
        code: "JudecatoriaVALENIIDEMUNTE",
        name: "Judecătoria Vălenii de Munte",
        number: None,
    },
    Court {
        code: "JudecatoriaVANJUMARE",
        name: "Judecătoria Vânju Mare",
        number: None,
    },
    Court {
        code: "JudecatoriaVASLUI",
        name: "Judecătoria Vaslui",
        number: None,
    },
    Court {
        code: "JudecatoriaVATRADORNEI",
        name: "Judecătoria Vatra Dornei",
        number: None,
    },
    Court {
        code: "JudecatoriaVIDELE",
        name: "Judecătoria Videle",
        number: None,
    },
    Court {
        code: "JudecatoriaVISEUDESUS",
        name: "Judecătoria Vișeu de Sus",
        number: None,
    },
    Court {
        code: "JudecatoriaZALAU",
        name: "Judecătoria Zalău",
        number: None,
    },
    Court {
        code: "JudecatoriaZARNESTI",
        name: "Judecătoria Zărnești",
        number: None,
    },
    Court {
        code: "JudecatoriaZIMNICEA",
        name: "Judecătoria Zimnicea",
        number: None,
    },
    Court {
        code: "TribunalulMilitarIASI",
        name: "Tribunalul Militar Iași",
        number: None,
    },
    Court {
        code: "JudecatoriaALEXANDRIA",
        name: "Judecătoria Alexandria",
        number: None,
    },
    Court {
        code: "TribunalulMilitarTIMISOARA",
        name: "Tribunalul Militar Timișoara",
        number: None,
    },
    Court {
        code: "TribunalulMilitarCLUJNAPOCA",
        name: "Tribunalul Militar Cluj-Napoca",
        number: None,
    },
    Court {
        code: "TribunalulMilitarTeritorialBUCURESTI",
        name: "Tribunalul Militar Teritorial București",
        number: None,
    },
    Court {
        code: "JudecatoriaAVRIG",
        name: "Judecătoria Avrig",
        number: None,
    },
    Court {
        code: "JudecatoriaTOPOLOVENI",
        name: "Judecătoria Topoloveni",
        number: None,
    },
    Court {
        code: "JudecatoriaPODUTURCULUI",
        name: "Judecătoria Podu Turcului",
        number: None,
    },
    Court {
        code: "JudecatoriaFAGET",
        name: "Judecătoria Făget",
        number: None,
    },
    Court {
        code: "JudecatoriaSALONTA",
        name: "Judecătoria Salonta",
        number: None,
    },
    Court {
        code: "JudecatoriaLIESTI",
        name: "Judecătoria Liești",
        number: None,
    },
    Court {
        code: "JudecatoriaHARSOVA",
        name: "Judecătoria Hârșova",
        number: None,
    },
    Court {
        code: "JudecatoriaSOMCUTAMARE",
        name: "Judecătoria Șomcuta Mare",
        number: None,
    },
    Court {
        code: "JudecatoriaPASCANI",
        name: "Judecătoria Pașcani",
        number: None,
    },
    Court {
        code: "TribunalulComercialARGES",
        name: "Tribunalul Comercial Argeș",
        number: None,
    },
    Court {
        code: "TribunalulComercialCLUJ",
        name: "Tribunalul Comercial Cluj",
        number: None,
    },
    Court {
        code: "TribunalulComercialMURES",
        name: "Tribunalul Comercial Mureș",
        number: None,
    },
    Court {
        code: "TribunalulpentruminoriSifamilieBRASOV",
        name: "Tribunalul pentru Minori și Familie Brașov",
        number: None,
    },
    Court {
        code: "JudecatoriaCORNETU",
        name: "Judecătoria Cornetu",
        number: None,
    },
    Court {
        code: "JudecatoriaJIBOU",
        name: "Judecătoria Jibou",
        number: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_list_is_complete_and_unique() {
        assert_eq!(COURTS.len(), 246);
        let mut codes: Vec<&str> = COURTS.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 246);
        let mut names: Vec<String> = COURTS.iter().map(|c| compact(c.name)).collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            246,
            "display names must be distinct after folding"
        );
    }

    #[test]
    fn matches_names_and_codes_folded() {
        for text in [
            "Tribunalul Hunedoara",
            "TRIBUNALUL HUNEDOARA",
            "TribunalulHUNEDOARA",
            " tribunalul  hunedoara ",
        ] {
            assert_eq!(
                find(text).map(|c| c.code),
                Some("TribunalulHUNEDOARA"),
                "{text}"
            );
        }
        assert_eq!(
            find("Judecătoria Hațeg").map(|c| c.code),
            Some("JudecatoriaHATEG")
        );
        assert_eq!(
            find("Judecatoria Orastie").map(|c| c.name),
            Some("Judecătoria Orăștie")
        );
        assert_eq!(
            find("Curtea de Apel Alba-Iulia").map(|c| c.number),
            Some(Some(57))
        );
        assert_eq!(
            find("Înalta Curte de Casație și Justiție"),
            Some(&HIGH_COURT)
        );
        assert_eq!(
            find("Judecătoria Sectorului 4 București").map(|c| c.code),
            Some("JudecatoriaSECTORUL4BUCURESTI")
        );
        assert_eq!(find("Tribunalul Atlantida"), None);
        assert_eq!(find(""), None);
    }

    #[test]
    fn known_numbers_only() {
        assert_eq!(by_number(97).map(|c| c.name), Some("Tribunalul Hunedoara"));
        assert_eq!(by_number(221).map(|c| c.name), Some("Judecătoria Deva"));
        assert_eq!(by_number(1).map(|c| c.code), Some(HIGH_COURT.code));
        assert_eq!(
            by_number(226).map(|c| c.name),
            Some("Judecătoria Făgăraș"),
            "not Hațeg, whatever memory says"
        );
        assert_eq!(
            find("Judecătoria Petroșani").and_then(|c| c.number),
            None,
            "unconfirmed numbers stay unknown"
        );
    }
}
