/**
 * Words that common passwords are built from (the most frequent entries of public breach corpora, plus
 * Bangladeshi favourites). A password is refused when, lower-cased and stripped of digits and
 * symbols, it is one of these, or when nothing but digits and symbols is left.
 */
const WORDS = `
password passw0rd passwd pass pa55word p4ssword secret letmein welcome welcome1 admin administrator
root toor user guest login master qwerty qwertyuiop qwertyuiopasdfghjkl qwertz azerty asdf asdfgh
asdfghjkl zxcvbn zxcvbnm qazwsx qazwsxedc wsxedc qweasd qweasdzxc zaq xsw qaz wsx edc rfv tgb yhn
iloveyou loveyou love lover lovely ilove iloveu trustno monkey dragon baseball football soccer
basketball hockey cricket tennis golf sunshine shadow superman batman spiderman pokemon naruto
michael jennifer jordan hunter ranger buster thomas robert charlie daniel andrew joshua matthew
jessica ashley amanda princess angel angels babygirl baby flower hello hellohello freedom whatever
starwars computer internet google facebook instagram whatsapp youtube twitter microsoft apple
samsung nokia iphone android windows linux changeme default temp temporary test testing tester
qwerty abc abcd abcde abcdef abcdefg abcdefgh abcdefghi abcdefghij abcdefghijk abcdefghijkl
abcabc aaa aaaaaa aaaaaaaa asdasd qweqwe zzzzzz xxx xxxx xxxxx xxxxxx access access14 mustang
killer pepper ginger cookie chocolate cheese summer winter spring autumn monday friday sunday
january february march april may june july august september october november december
orange banana apple mango cherry purple yellow silver golden diamond tiger lion eagle falcon
matrix ninja hacker security secure private mypassword mypass yourpassword thepassword nopassword
company business office work manager account accounts finance money dollar taka bank
bangladesh bangla bengal bengali banglades dhaka dhaka bd bdesh chittagong chattogram sylhet
khulna rajshahi barisal barishal rangpur mymensingh comilla cumilla narayanganj gazipur bogra
cox coxsbazar padma meghna jamuna buriganga sundarban sundarbans rupsha joybangla joy amar sonar
amarsonarbangla sonarbangla bongobondhu bangabandhu mujib sheikh hasina khaleda zia ershad
bismillah bismillahirrahmanirrahim allah allahuakbar allahu alhamdulillah subhanallah mashallah
inshallah insha islam muslim muhammad mohammad mohammed mohamed mohammod ahmed ahmad hasan hassan
hossain hosen hussain rahman rahim karim kabir khan chowdhury chowdhuri talukder sarkar mia miah
akter akhter begum khatun sultana nasrin jannat fatema fatima ayesha aisha nusrat tasnim rahima
rashid rasel rubel sohel shuvo shakib tamim mashrafe mushfiq mustafiz tigers bangladeshtigers
eid ramadan ramzan pohela boishakh ekushey ekushe shaheed shahid freedomfighter muktijoddha
shapla doel koel kalbaishakhi padmasetu metro metrorail grameen grameenphone robi banglalink
teletalk airtel bkash nagad rocket dutchbangla brac sonali janata agrani rupali islami
construction builder builders developer developers realestate property housing tower towers
cement steel rod brick bricks engineer engineering contractor project projects site
vextrus erp
`;

export const COMMON_PASSWORD_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
