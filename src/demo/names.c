/*
 * names.c: the word lists the generator draws people from, data only:
 * given names (by sex), family names, Spanish nicknames, streets.  Mixed as a
 * Southern California county is (Hispanic, Anglo, Black, Asian and Pacific
 * Islander names), with accents and apostrophes, all within Latin-1 so every
 * name can also be written in a Windows-1252 file.
 */
#include "demo/internal.h"

#include "util/bb.h"

const char *const bb_gen_given_f[] = {
	"María", "Sofía", "Isabella", "Camila", "Valentina", "Guadalupe",
	"Ximena", "Daniela", "Lucía", "Andrea", "Mariana", "Dolores",
	"Olivia", "Emma", "Ava", "Mia", "Abigail", "Elizabeth", "Emily",
	"Madison", "Chloé", "Zoë", "Renée", "Inés", "Noemí", "Anaïs",
	"Jessica", "Jennifer", "Katherine", "Margaret", "Rebecca", "Samantha",
	"Victoria", "Alexandra", "Natalie", "Hannah", "Grace", "Aaliyah",
	"Imani", "Ja'Mya", "Ka'Iya", "Destiny", "Jasmine", "Nia", "Aisha",
	"Mei", "Linh", "Ji-woo", "Priya", "Ananya", "Leilani", "Malia",
	"Fatima", "Amara", "Rosa", "Carmen", "Beatriz", "Mercedes",
	"Concepción", "Esperanza",
};
const size_t bb_gen_ngiven_f = BB_ARRAY_LEN(bb_gen_given_f);

const char *const bb_gen_given_m[] = {
	"José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Alejandro",
	"Francisco", "Eduardo", "Roberto", "Alberto", "Ignacio", "Enrique",
	"Ramón", "Andrés", "Héctor", "Raúl", "Julián", "Adrián", "Martín",
	"Joaquín", "Noé", "William", "Robert", "Richard", "James", "Michael",
	"Joseph", "Thomas", "Christopher", "Daniel", "Matthew", "Anthony",
	"Andrew", "Joshua", "Benjamin", "Samuel", "Alexander", "Nicholas",
	"Jonathan", "Ethan", "Noah", "Liam", "Elijah", "Jayden", "D'Andre",
	"De'Shawn", "Malik", "Jamal", "Darnell", "André", "Joël", "Minh",
	"Duc", "Min-jun", "Arjun", "Rahul", "Keanu", "Tavita", "Omar",
};
const size_t bb_gen_ngiven_m = BB_ARRAY_LEN(bb_gen_given_m);

const char *const bb_gen_family[] = {
	"García", "Hernández", "López", "Martínez", "González", "Rodríguez",
	"Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez",
	"Díaz", "Cruz", "Reyes", "Morales", "Ortiz", "Gutiérrez", "Chávez",
	"Ramos", "Núñez", "Peña", "Muñoz", "Castillo", "Jiménez", "Vásquez",
	"Romero", "Herrera", "Medina", "Aguilar", "Vargas", "Castro",
	"Mendoza", "Ruiz", "Álvarez", "Moreno", "Ortega", "Delgado", "Salazar",
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin",
	"Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
	"Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams",
	"Nelson", "Hill", "Campbell", "Mitchell", "Carter", "Roberts",
	"O'Brien", "O'Connor", "D'Angelo", "McDonald", "Washington",
	"Jefferson", "Freeman", "Nguyen", "Tran", "Le", "Pham", "Kim", "Lee",
	"Park", "Chen", "Wang", "Patel", "Singh", "Santos", "Navarro", "Tuiasosopo",
	"Fa'alogo", "Begay", "Müller", "Kowalski", "Da Silva",
};
const size_t bb_gen_nfamily = BB_ARRAY_LEN(bb_gen_family);

/* Formal given name, then two short forms people use: the Spanish names
 * the linkage nickname table (link/nicknames.c, English names) does not
 * hold. */
const char *const bb_gen_nicknames[][3] = {
	{ "Francisco", "Paco", "Pancho" }, { "José", "Pepe", "Chepe" },
	{ "Guadalupe", "Lupe", "Lupita" }, { "Alejandro", "Alex", "Alejo" },
	{ "Ignacio", "Nacho", "Nacho" }, { "Enrique", "Kike", "Quique" },
	{ "Eduardo", "Lalo", "Eddie" }, { "Jesús", "Chuy", "Chucho" },
	{ "Roberto", "Beto", "Tito" }, { "Alberto", "Beto", "Al" },
	{ "Dolores", "Lola", "Lolita" }, { "Concepción", "Concha", "Conchita" },
	{ "Mercedes", "Meche", "Mecha" }, { "Esperanza", "Espe", "Lancha" },
	{ "Valentina", "Vale", "Tina" },
};
const size_t bb_gen_nnicknames = BB_ARRAY_LEN(bb_gen_nicknames);

const char *const bb_gen_streets[] = {
	"Magnolia Ave", "Arlington Ave", "Van Buren Blvd", "University Ave",
	"Main St", "Market St", "Chicago Ave", "Iowa Ave", "La Sierra Ave",
	"Tyler St", "Indiana Ave", "Victoria Ave", "Central Ave", "Brockton Ave",
	"Jurupa Ave", "Mission Inn Ave", "Lemon St", "Orange St", "Olivewood Ave",
	"Streeter Ave", "Adams St", "Madison St", "Canyon Crest Dr",
	"Alessandro Blvd", "Cypress Ave", "Rubidoux Blvd", "Hole Ave",
	"Pierce St", "Wells Ave", "Linden St", "Palm Ave", "Sycamore Canyon Blvd",
	"Lincoln Ave", "Kansas Ave", "Ottawa Ave", "Nelson St",
};
const size_t bb_gen_nstreets = BB_ARRAY_LEN(bb_gen_streets);

const char *const bb_gen_email_domains[] = {
	"example.com", "example.org", "example.net", "mail.example.com",
};
const size_t bb_gen_nemail_domains = BB_ARRAY_LEN(bb_gen_email_domains);
