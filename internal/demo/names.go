package demo

// The synthetic people of each demo subaccount. Lists run from common to
// rare: the generator draws their heads far more often than their tails,
// so that search meets both frequent and rare names, as in real data.

// people is what makes a subaccount's customers look local.
type people struct {
	first, last     []string
	emailDomains    []string
	streets         []string
	postcodes       []string
	city            string
	companies       []string
	notes           []string
	blockReasons    []string
	identityReasons []string
	locales         []string // the first is the usual one
	// osShare is the share of ios, android and web in percent; the rest is other.
	osShare [3]int
}

var berlinPeople = people{
	first: []string{
		"Anna", "Lukas", "Maria", "Leon", "Sophie", "Jonas", "Laura", "Felix", "Lena", "Maximilian",
		"Julia", "Paul", "Lea", "Elias", "Hannah", "Noah", "Emma", "Ben", "Mia", "Finn",
		"Lisa", "Tim", "Sarah", "Jan", "Katharina", "Niklas", "Johanna", "Tobias", "Marie", "Florian",
		"Clara", "Alexander", "Charlotte", "Sebastian", "Paula", "Daniel", "Franziska", "Michael", "Sabine", "Thomas",
		"Petra", "Andreas", "Claudia", "Stefan", "Andrea", "Markus", "Susanne", "Christian", "Monika", "Matthias",
		"Nicole", "Frank", "Stefanie", "Jürgen", "Melanie", "Uwe", "Jana", "Klaus", "Nina", "Wolfgang",
		"Kerstin", "Dieter", "Heike", "Peter", "Anja", "Jörg", "Sandra", "Ralf", "Katrin", "Sven",
		"Mehmet", "Ayşe", "Ali", "Elif", "Can", "Zeynep", "Moritz", "Greta", "Philipp", "Frieda",
		"Julian", "Ida", "Emil", "Mathilda", "Anton", "Ursula", "Oskar", "Birgit", "Karl", "Ines",
		"Mustafa", "Fatma", "Emre", "Yusuf", "Piotr", "Agnieszka", "Tomasz", "Olena", "Dmytro", "Luca",
		"Henrike", "Gunnar", "Wiebke", "Detlef", "Roswitha", "Hilmar", "Edeltraud", "Waltraud", "Gottfried", "Liselotte",
	},
	last: []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
		"Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
		"Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
		"Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
		"Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
		"Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
		"Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
		"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Nowak", "Kowalski", "Nguyen", "Popescu",
		"Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich",
		"Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
		"Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Brückner",
		"Großmann", "Eichhorn", "Obermeier", "Rübsamen", "Tschirner", "Wöhlert", "Quandt", "Zaunseder", "Lindqvist", "Oßwald",
	},
	emailDomains: []string{"gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de", "yahoo.de", "icloud.com",
		"posteo.de", "mailbox.org", "freenet.de", "hotmail.de", "proton.me"},
	streets: []string{"Torstraße", "Oranienstraße", "Kastanienallee", "Schönhauser Allee", "Bergmannstraße",
		"Karl-Marx-Straße", "Sonnenallee", "Kantstraße", "Friedrichstraße", "Invalidenstraße", "Greifswalder Straße",
		"Skalitzer Straße", "Weserstraße", "Kurfürstendamm", "Wilmersdorfer Straße", "Danziger Straße"},
	postcodes: []string{"10115", "10119", "10178", "10405", "10435", "10437", "10961", "10997", "10999", "12043",
		"12047", "12049", "10585", "10627", "10629", "14059"},
	city: "Berlin",
	companies: []string{"Zalando SE", "Siemens AG", "Deutsche Bahn AG", "Charité", "N26 GmbH", "Delivery Hero SE",
		"SoundCloud", "Vattenfall", "HelloFresh SE", "BVG", "Axel Springer SE", "Tesla Grünheide"},
	notes: []string{"Bevorzugt Kontakt per E-Mail.", "Hat wegen einer Doppelbuchung angerufen; erstattet.",
		"Firmenkunde, Rechnung monatlich.", "Prefers English.", "Beschwerde über Helmfach, geklärt.",
		"Studentenrabatt nachgewiesen."},
	blockReasons: []string{"Zahlungsausfall nach mehreren Mahnungen", "Betrugsverdacht (Chargeback)",
		"Vandalismus an Roller gemeldet", "Mehrfachkonten", "Fahren zu zweit, wiederholt", "Gefälschte Zahlungsdaten"},
	identityReasons: []string{"risk score above the threshold", "Ausweisprüfung nach Schadensfall",
		"Alter nicht nachgewiesen"},
	locales: []string{"de", "en", "tr", "pl"},
	osShare: [3]int{38, 52, 7},
}

var austinPeople = people{
	first: []string{
		"James", "Mary", "Michael", "Jennifer", "Robert", "Jessica", "John", "Ashley", "David", "Emily",
		"William", "Sarah", "Christopher", "Amanda", "Matthew", "Elizabeth", "Daniel", "Olivia", "Joshua", "Emma",
		"Jose", "Sophia", "Carlos", "Isabella", "Luis", "Ava", "Juan", "Mia", "Andrew", "Madison",
		"Tyler", "Hannah", "Ryan", "Abigail", "Brandon", "Samantha", "Kevin", "Megan", "Jacob", "Lauren",
		"Ethan", "Rachel", "Noah", "Brittany", "Liam", "Nicole", "Mason", "Stephanie", "Logan", "Kayla",
		"Miguel", "Sofia", "Diego", "Camila", "Jesus", "Valentina", "Alejandro", "Ximena", "Antonio", "Guadalupe",
		"Richard", "Patricia", "Thomas", "Linda", "Charles", "Barbara", "Steven", "Susan", "Mark", "Karen",
		"Wei", "Priya", "Arjun", "Mei", "Hiroshi", "Aaliyah", "DeShawn", "Jamal", "Keisha", "Tyrone",
		"Austin", "Dakota", "Cody", "Savannah", "Colton", "Bailey", "Garrett", "Harper", "Travis", "Skylar",
		"Bartholomew", "Thaddeus", "Evangeline", "Percival", "Octavia", "Leopold", "Philippa", "Cornelius", "Winifred", "Ignatius",
	},
	last: []string{
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
		"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
		"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
		"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
		"Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
		"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
		"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
		"Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
		"Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
		"O'Brien", "McAllister", "Nakamura", "Okafor", "Kowalczyk", "Haugen", "Abernathy", "Fitzgerald", "Villanueva", "Throckmorton",
	},
	emailDomains: []string{"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com",
		"utexas.edu", "att.net", "comcast.net", "proton.me", "me.com", "live.com"},
	streets: []string{"E 6th St", "S Congress Ave", "Guadalupe St", "E Cesar Chavez St", "Red River St",
		"Manor Rd", "S Lamar Blvd", "Duval St", "E 11th St", "W 35th St", "Airport Blvd", "Speedway"},
	postcodes: []string{"78701", "78702", "78703", "78704", "78705", "78721", "78722", "78751", "78752", "78756"},
	city:      "Austin, TX",
	companies: []string{"Dell Technologies", "Whole Foods Market", "The University of Texas at Austin", "Oracle",
		"Indeed", "Tesla Giga Texas", "Apple", "H-E-B", "Bumble", "Atlassian"},
	notes: []string{"Prefers contact by text.", "Called about a double charge; refunded.",
		"Corporate account, invoiced monthly.", "Prefiere español.", "Helmet complaint, resolved.",
		"Student discount verified."},
	blockReasons: []string{"Unpaid balance after several reminders", "Chargeback fraud suspected",
		"Vandalism reported on a bike", "Multiple accounts", "Riding on sidewalks, repeated warnings",
		"Stolen payment card"},
	identityReasons: []string{"risk score above the threshold", "ID check after a damage report",
		"Age not verified"},
	locales: []string{"en", "es"},
	osShare: [3]int{55, 37, 6},
}
