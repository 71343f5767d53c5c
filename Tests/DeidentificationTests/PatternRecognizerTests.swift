import Testing
@testable import Deidentification

// Presidio-style tables: (text, the spans expected), valid and invalid rows per recognizer.

struct DateRecognizerTests {
    @Test(arguments: [
        ("Seen 03/04/2023 in clinic", ["03/04/2023"]),
        ("DOB: 3-4-23", ["3-4-23"]),
        ("collected 2023-03-04 at noon", ["2023-03-04"]),
        ("ref 20230304", ["20230304"]),
        ("since 03/2023", ["03/2023"]),
        ("on March 4th she fell", ["March 4th"]),
        ("Mar 4, 2023 visit", ["Mar 4, 2023"]),
        ("on 4 Mar 2023 and 4th of March", ["4 Mar 2023", "4th of March"]),
        ("onset Mar-2023", ["Mar-2023"]),
        ("in March of 2023", ["March of 2023"]),
        ("worse since September", ["September"]),
        ("fell on the 4th and again", ["4th"]),
        ("sore since Thanksgiving", ["Thanksgiving"]),
        ("over Christmas Eve dinner", ["Christmas Eve"]),
        ("at a Fourth of July party", ["Fourth of July"]),
        ("seen on 3/4 for follow-up", ["3/4"]),
        ("2024-04-02T08:14:09 login", ["2024-04-02"]),
        ("25/12/2023 in Lyon", ["25/12/2023"]),
        ("cycle 5 Feb 27-28, 2024 (split)", ["Feb 27-28, 2024"]),   // a range; "5" is the cycle
        ("since the end of May.", ["May"]),
        ("Admission: Wednesday the 12th", ["12th"]),
        ("IMG_0412 2023:08:14 10:22:31   4.2 x 3.1", ["2023:08:14"]),   // EXIF timestamp, time outside
        ("Signed this 3rd day of May, 2024, at 9:40 a.m.", ["3rd day of May, 2024"]),
        // A weekday written with a date belongs to it (with the month and day it gives away the year).
        ("Sent: Monday, June 1, 2026 9:12 AM", ["Monday, June 1, 2026"]),
        ("Thu 6/11 09:30 call back", ["Thu 6/11"]),
        ("cath lab 6/2 PM, NPO after midnight", ["6/2"]),   // a clock time after it dates "6/2"
        ("stent placed 5/10 in Worcester", ["5/10"]),       // "/10" is a score unless the words date it
        ("surgery 2018-06, revision 2021-11", ["2018-06", "2021-11"]),
    ])
    func finds(_ text: String, _ expected: [String]) {
        #expect(found(DateRecognizer(), text) == expected)
    }

    @Test(arguments: [
        "Diagnosed in 2019, smoked for 4 weeks",   // bare years and durations
        "GCS 15, pain 7/10, strength 5/5",          // scores
        "BP 120/80, HR 88",                          // vitals
        "independent in 4/6 ADLs",                   // fractions
        "Feb 30, 2023 is not a day",                 // invalid calendar date
        "13/45/2020",
        "May improve with rest",                     // "May" the verb
        "Christmas tree ornament",                   // a holiday that dates nothing
        "version 1.2.3 and 1-2-3-4",
        "run time 10:22:31, ratio 2023:13:45",      // times and impossible colon dates
        "on the 3rd day of treatment",               // a day count, not a calendar day
        "pain 6/10 at rest, 3/10 with ice",          // scores out of ten
        "the sun was out, sat 2/5 on the scale",     // lower-case "sun", "sat" are words, and a score
        "study 2025-1187 and 2019-20 season",        // an id and a range of years
    ])
    func ignores(_ text: String) {
        let dates = found(DateRecognizer(), text)
        #expect(dates.allSatisfy { !$0.contains("/") && !$0.contains("-") && $0 != "May" && $0 != "Christmas" && $0 != "2019" },
                "unexpected \(dates)")
        #expect(!dates.contains("Feb 30, 2023"))
    }
}

struct PhoneRecognizerTests {
    @Test(arguments: [
        ("Call (555) 123-4567 today", ["(555) 123-4567"], PHIKind.phone),
        ("cell 555-123-4567 x204", ["555-123-4567 x204"], .phone),
        ("tel 555.123.4567 ext. 12", ["555.123.4567 ext. 12"], .phone),
        ("+1 555 123 4567", ["+1 555 123 4567"], .phone),
        ("sent to +44 20 7946 0958 ok", ["+44 20 7946 0958"], .phone),
        ("1-800-555-0199", ["1-800-555-0199"], .phone),
        ("phone 5551234567", ["5551234567"], .phone),
        ("HCP, 555-0199.", ["555-0199"], .phone),
        ("Fax: (555) 987-6543", ["(555) 987-6543"], .fax),
        ("F: 555-987-6543", ["555-987-6543"], .fax),
        ("Fax number: 555-987-6543", ["555-987-6543"], .fax),
        ("PID|1||^^MONTEREY^CA^93940^USA||^PRN^PH^^1^831^5550114|||S", ["831^5550114"], .phone),   // HL7 XTN
    ])
    func finds(_ text: String, _ expected: [String], _ kind: PHIKind) {
        let t = TokenizedText(text)
        let spans = PhoneRecognizer().analyze(t)
        #expect(spans.map { t.text($0.range) } == expected)
        #expect(spans.allSatisfy { $0.kind == kind })
    }

    @Test func nearestLabelDecidesPhoneOrFax() {
        let t = TokenizedText("Fax: 555-111-2222 Phone: 555-333-4444")
        #expect(PhoneRecognizer().analyze(t).map(\.kind) == [.fax, .phone])
    }

    @Test(arguments: ["SSN 123-45-6789", "CPT 99213", "ICD-10 I10", "1234567890", "take 100-1000 mg",
                      "OBX|1|NM|^100^1234567|"])   // HL7 components that are no North American number
    func ignores(_ text: String) {
        #expect(found(PhoneRecognizer(), text).isEmpty)
    }
}

struct EmailURLAndIPTests {
    @Test(arguments: [
        ("Write to jane.roe@example.org.", ["jane.roe@example.org"]),
        ("(j_roe+clinic@mail.example.co.uk)", ["j_roe+clinic@mail.example.co.uk"]),
    ])
    func emails(_ text: String, _ expected: [String]) {
        #expect(found(EmailRecognizer(), text) == expected)
    }

    @Test func notEmails() {
        #expect(found(EmailRecognizer(), "x @ y, a@b, @home").isEmpty)
    }

    @Test(arguments: [
        ("portal https://mychart.example.org/p?id=12.", ["https://mychart.example.org/p?id=12"]),
        ("(see www.example.com/notes)", ["www.example.com/notes"]),
        ("visit portal.example.org today", ["portal.example.org"]),
    ])
    func urls(_ text: String, _ expected: [String]) {
        #expect(found(URLRecognizer(), text) == expected)
    }

    @Test func notURLs() {
        #expect(found(URLRecognizer(), "e.g. i.e. Dr.Smith report.doc jane@example.org").isEmpty)
    }

    @Test(arguments: [
        ("from 192.168.1.20 at", ["192.168.1.20"]),
        ("net 10.0.0.0/8", ["10.0.0.0/8"]),
        ("host fe80::1ff:fe23:4567:890a", ["fe80::1ff:fe23:4567:890a"]),
        ("loopback ::1.", ["::1"]),
        ("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334 end", ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"]),
        ("prefix 2001:db8::/32", ["2001:db8::/32"]),
        ("mapped ::ffff:192.0.2.1 ok", ["::ffff:192.0.2.1"]),
        ("any :: alone", []),
    ])
    func ips(_ text: String, _ expected: [String]) {
        #expect(found(IPAddressRecognizer(), text) == expected)
    }

    @Test(arguments: ["at 10:30:45 today", "ratio 1:1", "version 1.2.3.4.5", "999.1.1.1", "1:2:3:4:5:6:7:8:9"])
    func notIPs(_ text: String) {
        #expect(found(IPAddressRecognizer(), text).isEmpty)
    }
}

struct SSNAndAgeTests {
    @Test(arguments: [
        ("SSN 123-45-6789", ["123-45-6789"]),
        ("ss# 123 45 6789", ["123 45 6789"]),
        ("SSN: 123456789", ["123456789"]),
        ("SSN xxx-xx-6789", ["6789"]),
        ("last four of SSN 6789", ["6789"]),
        ("code 000-12-3456", []),       // area 000 is never issued
        ("code 666-12-3456", []),
        ("code 912-12-3456", ["912-12-3456"]),   // an ITIN: the SSN's shape, issued to those without one
        ("code 912 12 3456", []),
        ("SSN on file, DOB 1950", []),  // a year after the label is not a last four
        ("Veteran: T. Ohl   Last 4: 0917   DoD ID: 1298804471", ["0917"]),   // the bare benefits-form label
        ("Visa card last 4: 4421 on file", []),                              // the last four of a card
    ])
    func ssns(_ text: String, _ expected: [String]) {
        #expect(found(SSNRecognizer(), text) == expected)
    }

    @Test(arguments: [
        ("a 92-year-old woman", ["92"]),
        ("92 y/o M", ["92"]),
        ("she is 94 years old", ["94"]),
        ("aged 101", ["101"]),
        ("Age: 96", ["96"]),
        ("93M with CHF", ["93"]),
        ("her father, who is 92, has", ["92"]),
        ("a brother, ninety-seven, in Oslo", ["ninety-seven"]),
        ("Age: one hundred and one", ["one hundred and one"]),
        ("is in her 90s and lives alone", ["90s"]),
        ("grandmother, a nonagenarian until", ["nonagenarian"]),
        ("maternal aunt alive at 96, no cancer", ["96"]),
        ("my grandpa (hes 93) needs a ride", ["93"]),
        ("she's 91 and still drives", ["91"]),
        ("party for her 102nd birthday", ["102nd"]),
        ("arrived at 95 bpm", []),
        ("an 89-year-old man", []),
        ("glucose 95 mg/dL, SpO2 92%", []),
        ("for 92 days", []),
    ])
    func ages(_ text: String, _ expected: [String]) {
        #expect(found(AgeRecognizer(), text) == expected)
    }
}

struct IdentifierRecognizerTests {
    @Test(arguments: [
        (LabeledIdentifierRecognizer.medicalRecordNumber, "MRN: 00-4451-882 seen", ["00-4451-882"]),
        (.medicalRecordNumber, "MRN PSY 0033 8172, seen", ["PSY 0033 8172"]),
        (.medicalRecordNumber, "Med. Rec. No. A1234567", ["A1234567"]),
        (.healthPlan, "Member ID: XKH123456789", ["XKH123456789"]),
        (.healthPlan, "subscriber ID DHD 882 100 477; ok", ["DHD 882 100 477"]),
        (.healthPlan, "our medical policy MP-114 requires", []),
        (.accountNumber, "Acct #: 0045512", ["0045512"]),
        (.accountNumber, "Card ending in 4417 on file", ["4417"]),
        (.license, "license ME 118734,", ["118734"]),
        (.license, "Drug levels 0.70-1.30 mg/dL 70-99", []),   // "dL" is not a driver's licence label
        (.deviceIdentifier, "pacemaker serial no. PZX-300112", ["PZX-300112"]),
        (.deviceIdentifier, "Serial number SN-44A-99812, ok", ["SN-44A-99812"]),
        (.license, "DL: D1234567", ["D1234567"]),
        (.otherIdentifier, "Accession # S23-4411", ["S23-4411"]),
        (.otherIdentifier, "ID (biometric): PV-7720-1183-55", ["PV-7720-1183-55"]),
        (.otherIdentifier, "Courier: overnight, tracking 7489 2231 0045\n", ["7489 2231 0045"]),
        (.otherIdentifier, "chain-of-custody form CCF 0448812, MRO", ["0448812"]),
        (.otherIdentifier, "tracking weight and intake daily", []),
        (.otherIdentifier, "donor ID AGHH212, 34-year-old, DCD", ["AGHH212"]),     // an age after the value
        (.otherIdentifier, "accession S23-4411, S23-4412 pending", ["S23-4411", "S23-4412"]),   // two values
        (.licensePlate, "Idaho plate 2C 7741K, VIN 1HGCV1F38LA071842", ["2C 7741K", "1HGCV1F38LA071842"]),
        (.licensePlate, "plate and screw fixation", []),
    ])
    func labelled(_ recognizer: LabeledIdentifierRecognizer, _ text: String, _ expected: [String]) {
        #expect(found(recognizer, text) == expected)
    }

    @Test func checkDigitRecognizers() {
        #expect(found(NPIRecognizer(), "NPI 1234567893") == ["1234567893"])
        #expect(found(NPIRecognizer(), "NPI 1234567890").isEmpty)
        #expect(found(DEARecognizer(), "DEA AB1234563") == ["AB1234563"])
        #expect(found(DEARecognizer(), "DEA AB1234564").isEmpty)
        #expect(found(VINRecognizer(), "VIN 1HGCM82633A004352") == ["1HGCM82633A004352"])
        #expect(found(VINRecognizer(), "VIN 1HGCM82633A004353").isEmpty)
        #expect(found(MedicareBeneficiaryIdentifierRecognizer(), "MBI 1EG4-TE5-MK73") == ["1EG4-TE5-MK73"])
        #expect(found(MedicareBeneficiaryIdentifierRecognizer(), "id 1EG4TE5MK73") == ["1EG4TE5MK73"])
        #expect(found(MedicareBeneficiaryIdentifierRecognizer(), "id 1SG4TE5MK73").isEmpty)   // S is excluded
    }

    @Test func macAddresses() {
        #expect(found(MACAddressRecognizer(), "MAC 00:1B:44:11:3A:B7, alt 00-1b-44-11-3a-b8.") == ["00:1B:44:11:3A:B7", "00-1b-44-11-3a-b8"])
        #expect(found(MACAddressRecognizer(), "at 10:30:45 and 12-34-56").isEmpty)
    }

    @Test(arguments: [
        ("host WS-ED-0442 logged", ["WS-ED-0442"]),
        ("cord blood CB-2309-18-0352 sent", ["CB-2309-18-0352"]),
        ("ICD-10 and COVID-19 and PHQ-9", []),
        ("overnight, tracking 1Z 999 AA1 01 2345 6784\n", ["1Z 999 AA1 01 2345 6784"]),   // UPS, grouped
        ("label 1Z999AA10123456784 printed", ["1Z999AA10123456784"]),                     // UPS, ungrouped
        ("1Z 999 AA1 01 2345 and 1 Zone", []),                                           // too short: not UPS
    ])
    func structured(_ text: String, _ expected: [String]) {
        #expect(found(StructuredIdentifierRecognizer(), text) == expected)
    }

    @Test(arguments: [
        ("lot EH7721 given", ["EH7721"]),
        ("ref 98230417755", ["98230417755"]),
        ("CPT 99213, HCPCS J3490, ICD E11.9, PCS 5A1955Z", []),
        ("platelets 250000 and 1500000 units", []),
    ])
    func unlabelled(_ text: String, _ expected: [String]) {
        #expect(found(UnlabeledNumberRecognizer(), text) == expected)
    }
}

struct LocationRecognizerTests {
    @Test(arguments: [
        ("lives at 1234 N. Oak Hill Rd., Apt 5B now", ["1234 N. Oak Hill Rd., Apt 5B"]),
        ("77 5th Avenue #12", ["77 5th Avenue #12"]),
        ("PO Box 4412", ["PO Box 4412"]),
        ("P.O. Box 77", ["P.O. Box 77"]),
        ("Suite 300", ["Suite 300"]),
        ("take 2 tabs daily", []),
        ("Residence: Rural Route 2 Box 14, Millersburg", ["Rural Route 2 Box 14"]),
        ("BP 112/64, RR 18, SpO2 95%", []),                         // a respiratory rate, not a rural route
        ("collision, I-84 westbound near mile marker 33, Caldwell", ["I-84", "mile marker 33"]),
        ("ICD-10 code, I was seen", []),
        ("One Commerce Square, 2005 Market Street, 14th Floor, Philadelphia, PA", ["One Commerce Square", "2005 Market Street, 14th Floor", "Philadelphia"]),
        ("3 times a day", []),
    ])
    func streets(_ text: String, _ expected: [String]) {
        #expect(found(StreetAddressRecognizer(), text) == expected)
    }

    @Test(arguments: [
        ("Springfield, IL 62704-1234", ["Springfield", "62704-1234"]),
        ("Boston MA 02115", ["Boston", "02115"]),
        ("Zip: 60612", ["60612"]),
        ("in Cook County", ["Cook County"]),
        ("moved to San Antonio last year", ["San Antonio"]),
        ("WITH WIFE IN BOSTON.", ["BOSTON"]),          // a major city, though "boston" is also a safe word here
        ("Jane Roe, MD", []),                       // MD is a credential here, not Maryland
        ("Texas and Ohio", []),                     // a state alone is not PHI
        ("Scene: 12 Old Mill Lane, Springfield (private residence)", ["Springfield"]),  // the city after a street
        ("Seen by Dr. Lane, Springfield clinic staff", []),   // a surname before the comma, no street
        ("Labs sent to Harbor Pathology, Springfield.", ["Springfield"]),       // the city after a facility's name
        ("family moved here from\nSan Antonio in May", ["San Antonio"]),      // a preposition ending the line before
        ("Dr. Roe, Springfield", []),                                          // a person before the comma
    ])
    func places(_ text: String, _ expected: [String]) {
        #expect(found(LocationRecognizer(lexicons: TestLexicons.small), text) == expected)
    }
}

struct OrganizationRecognizerTests {
    @Test(arguments: [
        ("admitted to Mercy General Hospital today", ["Mercy General Hospital"]),
        ("Lakeside Family Clinic", ["Lakeside Family Clinic"]),
        ("St. Mary's Medical Center of Springfield", ["St. Mary's Medical Center of Springfield"]),
        ("went to the hospital", []),
        ("EMERGENCY DEPARTMENT", []),
    ])
    func facilities(_ text: String, _ expected: [String]) {
        #expect(found(FacilityRecognizer(), text) == expected)
    }

    @Test(arguments: [
        ("She works at Acme Tool & Die Co. since", ["Acme Tool & Die Co."]),
        ("employed by Northfield Public Schools.", ["Northfield Public Schools"]),
        ("works as a cashier at Shop Rite", ["Shop Rite"]),
        ("works hard at home", []),
        ("WORKS AS A TEACHER AT LINCOLN HIGH SCHOOL.", ["LINCOLN HIGH SCHOOL"]),
        ("an account at Keystone Farmers Bank where the nephew works.", ["Keystone Farmers Bank"]),
        ("Where she works is unclear.", []),
        ("works days for the\nCity of Springfield Water Department and", ["City of Springfield Water Department"]),
        ("Service: US Army 1988-2010, two deployments", ["US Army"]),          // a military branch as employer
        ("He served in the U.S. Navy as a corpsman", ["U.S. Navy"]),
        ("served in the army briefly; service dog present", []),              // lowercase, no named branch
        ("Retired welder for Narragansett Shipyard; quit smoking.", ["Narragansett Shipyard"]),   // a job, then its employer
        ("Dad is an EMT with Westerly Ambulance Corps.", ["Westerly Ambulance Corps"]),
        ("Employer (per intake form): Quahog Bay Seafood LLC", ["Quahog Bay Seafood LLC"]),  // a label's own words first
        ("her teacher, Ms. Brown, called", []),                               // a person after a job is no employer
        ("a driver for Dr. Patel's practice", []),
    ])
    func employers(_ text: String, _ expected: [String]) {
        #expect(found(EmployerRecognizer(), text) == expected)
    }
}
