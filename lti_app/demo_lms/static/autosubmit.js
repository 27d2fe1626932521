// Post the launch form as soon as the page loads (the Continue button covers no-JS browsers).
document.getElementById("lms-autopost").submit();
